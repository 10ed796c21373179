/**
 * The Python program behind the local embedder. It loads an ONNX sentence-embedding model with
 * ONNX Runtime and its tokenizer with Hugging Face `tokenizers` (both native wheels from PyPI,
 * so the VSIX ships no binaries), and answers OpenAI's `POST /v1/embeddings` on 127.0.0.1 with
 * an OS-chosen port, which it prints as `READY <port>`. Speaking the OpenAI protocol lets the
 * product reuse its one HTTP embedder (batching, retries, cancellation) unchanged.
 *
 * Why these choices:
 * - One request at a time, one inference thread by default (KIMI_EMBED_THREADS), and a raised
 *   nice value: indexing must leave the editor and Milvus a core on a 2-core machine, and one
 *   thread measured faster than two there under load.
 * - Texts are cut to the model's max tokens from the head: a chunk's head carries its path and
 *   the definition or heading it starts with, the part a question is most likely about.
 * - A request is sorted by length and run 4 texts at a time with ONNX Runtime's memory arena off:
 *   padding (wasted compute) stays small, and peak memory measured 410 MB instead of 820 MB
 *   (arena on, 16 at a time) at the same speed.
 * - It exits when its stdin closes, so a crashed editor leaves no process behind.
 *
 * argv: model_dir meta_json (LocalModelMeta)
 */
export const EMBED_SERVER_PY = String.raw`
import json, os, sys, threading
from http.server import BaseHTTPRequestHandler, HTTPServer
import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

model_dir = sys.argv[1]
meta = json.loads(sys.argv[2])
max_tokens = int(meta.get("maxTokens", 256))
prefix = meta.get("passagePrefix", "")
threads = int(os.environ.get("KIMI_EMBED_THREADS") or 1)
try:
    os.nice(10)
except (AttributeError, OSError):
    pass

tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
tok.enable_truncation(max_length=max_tokens)
tok.enable_padding()
opts = ort.SessionOptions()
opts.intra_op_num_threads = threads
opts.inter_op_num_threads = 1
opts.enable_cpu_mem_arena = False
session = ort.InferenceSession(os.path.join(model_dir, "model.onnx"), opts, providers=["CPUExecutionProvider"])
inputs = {i.name for i in session.get_inputs()}
SUB_BATCH = 4

def embed(texts):
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = [None] * len(texts)
    tokens = 0
    for start in range(0, len(order), SUB_BATCH):
        idx = order[start:start + SUB_BATCH]
        enc = tok.encode_batch([prefix + texts[i] for i in idx])
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        tokens += int(mask.sum())
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = session.run(None, feed)[0]
        m = mask[:, :, None].astype(np.float32)
        vec = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
        vec = vec / np.maximum(np.linalg.norm(vec, axis=1, keepdims=True), 1e-12)
        for j, i in enumerate(idx):
            out[i] = vec[j].tolist()
    return out, tokens

class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body):
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        if self.path.rstrip("/") != "/v1/embeddings":
            return self.reply(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)))
            texts = body["input"]
            if isinstance(texts, str):
                texts = [texts]
            if not all(isinstance(t, str) for t in texts):
                raise ValueError("input must be a string or a list of strings")
        except Exception as e:
            return self.reply(400, {"error": {"message": str(e), "type": "invalid_request_error"}})
        try:
            vectors, tokens = embed(texts)
        except Exception as e:
            return self.reply(500, {"error": {"message": "embedding failed: %s" % e, "type": "server_error"}})
        self.reply(200, {
            "object": "list",
            "model": body.get("model", ""),
            "data": [{"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)],
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        })

server = HTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
print("READY %d" % server.server_address[1], flush=True)
sys.stdin.read()
server.shutdown()
`;
