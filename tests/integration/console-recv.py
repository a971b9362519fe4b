#!/usr/bin/env python3
"""Receives a pty master over a unix socket (as containerd's shim and conmon
do) and copies what the container writes to stdout until it hangs up."""
import array, os, socket, sys

path = sys.argv[1]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
# Bound and listening under another name, then renamed: a caller that
# waits for PATH to exist never connects before listen (ECONNREFUSED).
srv.bind(path + ".tmp")
srv.listen(1)
os.rename(path + ".tmp", path)
conn, _ = srv.accept()
fds = array.array("i")
msg, anc, _, _ = conn.recvmsg(4096, socket.CMSG_SPACE(fds.itemsize))
for level, typ, data in anc:
    if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
        fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
master = fds[0]
while True:
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break
    if not chunk:
        break
    sys.stdout.write(chunk.decode(errors="replace"))
    sys.stdout.flush()
