/**
 * The Python program behind the local embedder. It loads an ONNX sentence-embedding model with
 * ONNX Runtime and its tokenizer with Hugging Face `tokenizers` (both native wheels from PyPI,
 * so the VSIX ships no binaries), and answers OpenAI's `POST /v1/embeddings` on 127.0.0.1 with
 * an OS-chosen port, which it prints as `READY <port>`. Speaking the OpenAI protocol lets the
 * product reuse its one HTTP embedder (batching, retries, cancellation) unchanged.
 *
 * Why these choices (measured with `npm run bench:embed`, see docs/local-embeddings.md):
 * - ONNX Runtime runs KIMI_EMBED_THREADS intra-op threads (the product passes all cores unless a
 *   setting says otherwise) in a process at nice 10, so the editor and the user's own work come
 *   first. Its threads do not spin while waiting for work: on a shared or busy machine spinning
 *   threads burn the cores other threads need (2 threads measured 616 tokens/s spinning, 731 not,
 *   interleaved in one run at load 15).
 * - Texts are cut to the model's max tokens from the head: a chunk's head carries its path and
 *   the definition or heading it starts with, the part a question is most likely about.
 * - A request is tokenized once, sorted by length, and run in groups of at most TOKEN_BUDGET
 *   padded tokens (two texts of 256 tokens, eight of 64), each group padded to its own longest
 *   text: little padding (wasted compute), and activations small enough to stay in the CPU's
 *   cache. Per CPU second, groups of 256 / 512 / 1,024 / 2,048 padded tokens measured 3,300 /
 *   3,240 / 2,850 / 2,410 tokens (one thread, interleaved in one run, load 19). ONNX Runtime's
 *   memory arena stays off: peak memory 410 MB instead of 820 MB at the same speed.
 * - Vectors go back as base64 float32 when asked (the HTTP embedder asks), not as decimal JSON.
 * - It exits when its stdin closes, so a crashed editor leaves no process behind.
 *
 * argv: model_dir meta_json (LocalModelMeta)
 */
export const EMBED_SERVER_PY = String.raw`
import base64, json, os, sys, threading
from http.server import BaseHTTPRequestHandler, HTTPServer
import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

model_dir = sys.argv[1]
meta = json.loads(sys.argv[2])
max_tokens = int(meta.get("maxTokens", 256))
prefix = meta.get("passagePrefix", "")
threads = int(os.environ.get("KIMI_EMBED_THREADS") or 0) or os.cpu_count() or 1
TOKEN_BUDGET = 512
try:
    os.nice(10)
except (AttributeError, OSError):
    pass

tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
tok.enable_truncation(max_length=max_tokens)
tok.no_padding()
opts = ort.SessionOptions()
opts.intra_op_num_threads = threads
opts.inter_op_num_threads = 1
opts.enable_cpu_mem_arena = False
opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
session = ort.InferenceSession(os.path.join(model_dir, "model.onnx"), opts, providers=["CPUExecutionProvider"])
inputs = {i.name for i in session.get_inputs()}
print("threads %d, max tokens %d" % (threads, max_tokens), file=sys.stderr, flush=True)

def groups(lengths):
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    group = []
    for i in order:
        if group and (len(group) + 1) * lengths[i] > TOKEN_BUDGET:
            yield group
            group = []
        group.append(i)
    if group:
        yield group

def embed(texts):
    enc = tok.encode_batch([prefix + t for t in texts])
    lengths = [max(1, len(e.ids)) for e in enc]
    out = None
    tokens = 0
    for idx in groups(lengths):
        width = max(lengths[i] for i in idx)
        ids = np.zeros((len(idx), width), dtype=np.int64)
        mask = np.zeros((len(idx), width), dtype=np.int64)
        for row, i in enumerate(idx):
            ids[row, :len(enc[i].ids)] = enc[i].ids
            mask[row, :len(enc[i].ids)] = 1
        tokens += int(mask.sum())
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = session.run(None, feed)[0]
        m = mask[:, :, None].astype(np.float32)
        vec = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
        vec = vec / np.maximum(np.linalg.norm(vec, axis=1, keepdims=True), 1e-12)
        if out is None:
            out = np.empty((len(texts), vec.shape[1]), dtype="<f4")
        out[idx] = vec
    return out, tokens

def encode(vector, fmt):
    return base64.b64encode(vector.tobytes()).decode("ascii") if fmt == "base64" else vector.tolist()

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
            if not texts or not all(isinstance(t, str) for t in texts):
                raise ValueError("input must be a string or a non-empty list of strings")
            fmt = body.get("encoding_format") or "float"
            if fmt not in ("float", "base64"):
                raise ValueError("encoding_format must be float or base64")
        except Exception as e:
            return self.reply(400, {"error": {"message": str(e), "type": "invalid_request_error"}})
        try:
            vectors, tokens = embed(texts)
        except Exception as e:
            return self.reply(500, {"error": {"message": "embedding failed: %s" % e, "type": "server_error"}})
        self.reply(200, {
            "object": "list",
            "model": body.get("model", ""),
            "data": [{"object": "embedding", "index": i, "embedding": encode(v, fmt)} for i, v in enumerate(vectors)],
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        })

server = HTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
print("READY %d" % server.server_address[1], flush=True)
sys.stdin.read()
server.shutdown()
`;
