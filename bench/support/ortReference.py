"""
The baseline bench:embed measures the product against: the same ONNX model run by ONNX Runtime
the plain way, with nothing of the product's own tuning. Its session has only the thread count
set (ONNX Runtime's defaults otherwise: spinning threads, memory arena on); texts are cut to
MAXLEN tokens, sorted by length and run BATCH at a time, each batch padded to its longest text
(what sentence-transformers' encode() does), then mean-pooled and normalized. It raises its nice
value by 10 as the product's server does, so on a busy machine the two compare as runtimes, not as
priorities.

  python ortReference.py throughput MODEL_DIR TEXTS_JSON THREADS MAXLEN BATCH
      prints {"tokens": N, "seconds": S} for embedding every text once (in-process, no HTTP)
  python ortReference.py serve MODEL_DIR THREADS MAXLEN BATCH
      an OpenAI-compatible POST /v1/embeddings on 127.0.0.1 (prints READY <port>); stops when
      stdin closes
"""
import json, os, sys, threading, time
from http.server import BaseHTTPRequestHandler, HTTPServer

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer


def load(model_dir, threads, maxlen):
    tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    tok.enable_truncation(max_length=maxlen)
    tok.enable_padding()
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    session = ort.InferenceSession(os.path.join(model_dir, "model.onnx"), opts, providers=["CPUExecutionProvider"])
    return tok, session, {i.name for i in session.get_inputs()}


def embed(model, texts, batch):
    tok, session, names = model
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = [None] * len(texts)
    tokens = 0
    for start in range(0, len(order), batch):
        idx = order[start:start + batch]
        enc = tok.encode_batch([texts[i] for i in idx])
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        tokens += int(mask.sum())
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in names:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = session.run(None, feed)[0]
        m = mask[:, :, None].astype(np.float32)
        vec = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
        vec = vec / np.maximum(np.linalg.norm(vec, axis=1, keepdims=True), 1e-12)
        for j, i in enumerate(idx):
            out[i] = vec[j].tolist()
    return out, tokens


def throughput(model_dir, texts_file, threads, maxlen, batch):
    model = load(model_dir, threads, maxlen)
    texts = json.load(open(texts_file, encoding="utf-8"))
    started = time.perf_counter()
    _, tokens = embed(model, texts, batch)
    print(json.dumps({"tokens": tokens, "seconds": time.perf_counter() - started}), flush=True)


def serve(model_dir, threads, maxlen, batch):
    model = load(model_dir, threads, maxlen)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)))
            texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
            vectors, tokens = embed(model, texts, batch)
            data = json.dumps({
                "object": "list",
                "model": body.get("model", ""),
                "data": [{"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)],
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            }).encode("utf-8")
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("READY %d" % server.server_address[1], flush=True)
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    try:
        os.nice(10)
    except (AttributeError, OSError):
        pass
    if mode == "throughput":
        throughput(args[0], args[1], int(args[2]), int(args[3]), int(args[4]))
    else:
        serve(args[0], int(args[1]), int(args[2]), int(args[3]))
