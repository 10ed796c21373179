/**
 * The Python program the manager runs inside the venv. It starts Milvus Lite's gRPC server
 * on 127.0.0.1 with an OS-chosen port (no port race), writes a ready file with the bound port,
 * stops gracefully on SIGINT/SIGTERM, and exits by itself after about a minute in which no
 * live process held a lease on it (unless started with `server start`) or no state file named
 * it (its data dir was deleted), so a crashed editor or a deleted test folder leaves no server behind.
 *
 * argv: data_dir ready_file state_file users_dir
 */
export const LAUNCHER_PY = String.raw`
import json, os, signal, sys, threading, time
import milvus_lite
from milvus_lite.adapter.grpc.server import start_server_in_thread

data_dir, ready_file, state_file, users_dir = sys.argv[1:5]
IDLE_CHECK_S = float(os.environ.get("KIMI_MILVUS_IDLE_CHECK_S") or 15)  # tests shorten it
server, db, port = start_server_in_thread(data_dir, host="127.0.0.1", port=0)
stop = threading.Event()
signal.signal(signal.SIGINT, lambda *_: stop.set())
signal.signal(signal.SIGTERM, lambda *_: stop.set())

tmp = ready_file + ".tmp"
with open(tmp, "w") as f:
    json.dump({"pid": os.getpid(), "port": port, "version": milvus_lite.__version__}, f)
os.replace(tmp, ready_file)
print("Milvus Lite %s listening on 127.0.0.1:%d (data_dir=%r)" % (milvus_lite.__version__, port, data_dir), flush=True)

def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except PermissionError:
        return True
    except OSError:
        return False

def idle():
    # No state file naming us (its data dir was deleted, or it was never written because
    # the starter died): nobody can find this server, so it only wastes memory.
    try:
        with open(state_file) as f:
            state = json.load(f)
    except Exception:
        return True
    if state.get("pid") != os.getpid():
        return True
    if state.get("keepAlive"):
        return False
    try:
        names = os.listdir(users_dir)
    except FileNotFoundError:
        names = []
    for name in names:
        try:
            if alive(int(name.split("-")[0])):
                return False
        except ValueError:
            pass
    return True

idle_rounds = 0
while not stop.wait(IDLE_CHECK_S):
    idle_rounds = idle_rounds + 1 if idle() else 0
    if idle_rounds >= 4:
        print("No Kimi Milvus process has used this server for a minute; stopping.", flush=True)
        break

server.stop(grace=5).wait()
db.close()
print("Milvus Lite stopped.", flush=True)
`;
