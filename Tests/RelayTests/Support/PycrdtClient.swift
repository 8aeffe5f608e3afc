import Foundation
import WeftTestSupport

/// A third-party client: pycrdt over a plain blocking socket, written from docs/protocol.md alone.
///
/// It joins a workflow, syncs, optionally appends text to one job's body, waits until the relay acks
/// every update it sent, and prints one JSON line: its replica's full state (base64 update v1), every
/// job body as pycrdt reads it, the workflow name, the `joined` role and any errors it received.
enum PycrdtClient {
    struct Report: Decodable {
        var state: String
        var bodies: [String: String]
        var name: String
        var role: String
        var errors: [String]

        var stateBytes: [UInt8] { Array(Data(base64Encoded: state) ?? Data()) }
    }

    /// Runs the client; throws with its stderr when it fails.
    static func run(socket: String, workflow: String, as name: String, appendTo jobID: String? = nil, text: String = "")
        throws -> Report
    {
        let result = try VenvPython.run(
            script: script, arguments: [socket, workflow, name, jobID ?? "", text])
        guard result.status == 0 else {
            throw TestSupportError("the pycrdt client failed (\(result.status)):\n\(result.stderr)")
        }
        let line = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        return try JSONDecoder().decode(Report.self, from: Data(line.utf8))
    }

    static let script = #"""
        import base64, json, socket, struct, sys, time
        from pycrdt import Array, Doc, Map, Text, create_sync_message, create_update_message, handle_sync_message, read_message

        SYNC, AWARENESS, CONTROL = 0, 1, 16
        STEP2, UPDATE = 1, 2

        def var_uint(n):
            out = bytearray()
            while n > 0x7F:
                out.append(0x80 | (n & 0x7F))
                n >>= 7
            out.append(n)
            return bytes(out)

        path, workflow, name, job_id, text = sys.argv[1:6]
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(path)
        buffer = b""
        sent = 0
        acked = 0
        errors = []

        def send(message):
            global sent
            if message[0] == SYNC and message[1] in (STEP2, UPDATE):
                sent += 1
            sock.sendall(struct.pack(">I", len(message)) + message)

        def send_control(**fields):
            data = json.dumps(fields).encode()
            send(bytes([CONTROL]) + var_uint(len(data)) + data)

        def receive(deadline):
            global buffer
            while True:
                if len(buffer) >= 4:
                    (length,) = struct.unpack(">I", buffer[:4])
                    if len(buffer) >= 4 + length:
                        message, buffer = buffer[4:4 + length], buffer[4 + length:]
                        return message
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("no message from the relay in time")
                sock.settimeout(remaining)
                chunk = sock.recv(65536)
                if not chunk:
                    raise ConnectionError("the relay closed the connection")
                buffer += chunk

        doc = Doc()
        jobs = doc.get("jobs", type=Array)
        meta = doc.get("workflow", type=Map)
        remote = [False]
        synced = [False]

        def on_transaction(event):
            if not remote[0]:
                send(create_update_message(event.update))

        doc.observe(on_transaction)

        def handle(message):
            global acked
            if message[0] == SYNC:
                remote[0] = True
                try:
                    reply = handle_sync_message(message[1:], doc)
                finally:
                    remote[0] = False
                if reply is not None:
                    send(reply)
                if message[1] == STEP2:
                    synced[0] = True
            elif message[0] == CONTROL:
                control = json.loads(read_message(message[1:]))
                if control["type"] == "ack":
                    acked = max(acked, control["updates"])
                elif control["type"] == "error":
                    errors.append(control["code"])
                return control
            return None

        deadline = time.monotonic() + 20
        send_control(**{"type": "join", "workflow": workflow, "as": name})
        while True:
            control = handle(receive(deadline))
            if control is not None and control["type"] == "joined":
                role = control["role"]
                break
            if control is not None and control["type"] == "error":
                sys.exit(f"join refused: {control}")
        send(create_sync_message(doc))
        while not synced[0]:
            handle(receive(deadline))

        if job_id:
            for job in jobs:
                if job["id"] == job_id:
                    body = job["body"]
                    body.insert(len(body), text)
                    break
            else:
                sys.exit(f"no job {job_id}")

        while acked < sent:
            handle(receive(deadline))

        print(json.dumps({
            "state": base64.b64encode(doc.get_update()).decode(),
            "bodies": {str(job["id"]): str(job["body"]) for job in jobs},
            "name": str(meta["name"]),
            "role": role,
            "errors": errors,
        }))
        """#
}
