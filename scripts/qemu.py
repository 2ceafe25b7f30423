#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot the test kernel in QEMU (TCG) and keep its serial log.

The guest's console (ttyS0) is written to --log as it arrives. A second
serial port (ttyS1 in the guest) carries requests from the tests to the QEMU
monitor: the guest writes one line "QMP <json command>", this script sends
it to QEMU's QMP socket and writes back one line, "OK <json return>" or
"ERR <json error>". That is how the system tests hot-add memory and CPUs.

A guest that enters S3 cannot ask to be woken: when QEMU reports the
SUSPEND event, this script waits --wakeup seconds and sends system_wakeup,
as a wake-up button would (both noted in the QMP journal).

QEMU is killed after --timeout seconds, or when the console has been
silent for --stall seconds (a hung guest); the log is kept either way.
Exit status: QEMU's, or 124 on timeout or stall.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time


def qemu_command(args, rundir):
    cmd = [
        "qemu-system-x86_64",
        # la57=off: with 5-level paging, generic KASAN reports a false
        # wild-memory-access when an interrupt arrives during
        # identify_boot_cpu() (seen here once in 7 boots; upstream thread
        # "kasan: Fix false-positive wild-memory-access on x86 under 5-level
        # paging", June 2026).
        "-machine", "q35", "-accel", "tcg", "-cpu", "max,la57=off",
        # Two populated packages of two CPUs, a third socket for hot-add.
        "-smp", "4,sockets=3,cores=2,threads=1,maxcpus=6",
        # Two NUMA nodes, one per package; 3 GiB on q35 leaves a hole
        # from 2 GiB to 4 GiB and puts node 1 on both sides of it.
        "-m", "3G,slots=4,maxmem=8G",
        "-object", "memory-backend-ram,id=n0,size=1536M",
        "-object", "memory-backend-ram,id=n1,size=1536M",
        "-numa", "node,nodeid=0,memdev=n0",
        "-numa", "node,nodeid=1,memdev=n1",
        "-numa", "cpu,node-id=0,socket-id=0",
        "-numa", "cpu,node-id=1,socket-id=1",
        "-numa", "cpu,node-id=1,socket-id=2",
        # Memory present at boot in a pc-dimm, as on real ACPI platforms.
        "-object", "memory-backend-ram,id=m0,size=256M",
        "-device", "pc-dimm,id=d0,memdev=m0,node=1",
        # S3 is off by default on q35; the suspend tests need it.
        "-global", "ICH9-LPC.disable_s3=0",
        "-kernel", args.kernel, "-initrd", args.initrd,
        "-append", args.append,
        "-display", "none", "-no-reboot",
        "-serial", "stdio",
        "-chardev", f"socket,id=req,path={rundir}/req.sock,server=on,wait=off",
        "-serial", "chardev:req",
        "-qmp", f"unix:{rundir}/qmp.sock,server=on,wait=off",
        "-qmp", f"unix:{rundir}/qmp-events.sock,server=on,wait=off",
    ]
    return cmd + args.extra


def connect(path, deadline):
    while True:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            return s
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.1)


class Monitor:
    """A QMP client: one command at a time, events are skipped."""

    def __init__(self, path, deadline):
        self.sock = connect(path, deadline)
        self.rfile = self.sock.makefile("r")
        json.loads(self.rfile.readline())  # greeting
        self.command({"execute": "qmp_capabilities"})

    def command(self, cmd):
        self.sock.sendall((json.dumps(cmd) + "\n").encode())
        while True:
            line = self.rfile.readline()
            if not line:
                return False, {"desc": "QMP connection closed"}
            msg = json.loads(line)
            if "return" in msg:
                return True, msg["return"]
            if "error" in msg:
                return False, msg["error"]


def wake_from_s3(rundir, deadline, journal, delay):
    """Answer every SUSPEND event (the guest entered S3) with system_wakeup,
    repeated every `delay` seconds until QEMU reports WAKEUP."""
    try:
        sock = connect(f"{rundir}/qmp-events.sock", deadline)
    except OSError:
        return
    rfile = sock.makefile("r")
    rfile.readline()  # greeting
    sock.sendall(b'{"execute": "qmp_capabilities"}\n')
    asleep = threading.Event()

    def waker():
        while True:
            asleep.wait()
            time.sleep(delay)
            if asleep.is_set():
                sock.sendall(b'{"execute": "system_wakeup"}\n')

    threading.Thread(target=waker, daemon=True).start()
    for line in rfile:
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if msg.get("event") == "SUSPEND":
            journal.write(f"event: SUSPEND (the guest entered S3); system_wakeup every {delay}s\n")
            asleep.set()
        elif msg.get("event") == "WAKEUP":
            journal.write("event: WAKEUP\n")
            asleep.clear()
        elif msg.get("event") in ("RESET", "SHUTDOWN", "GUEST_PANICKED"):
            journal.write(f"event: {msg['event']} {json.dumps(msg.get('data', {}))}\n")
        elif "error" in msg or ("return" in msg and asleep.is_set()):
            journal.write(f"system_wakeup -> {json.dumps(msg)}\n")
        else:
            continue
        journal.flush()


def serve_requests(rundir, deadline, journal):
    """Answer the guest's QMP requests on its second serial port."""
    try:
        mon = Monitor(f"{rundir}/qmp.sock", deadline)
        req = connect(f"{rundir}/req.sock", deadline)
    except OSError:
        return
    buf = b""
    while True:
        data = req.recv(4096)
        if not data:
            return
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            line = line.decode(errors="replace").strip()
            if not line.startswith("QMP "):
                continue
            try:
                ok, res = mon.command(json.loads(line[4:]))
            except (ValueError, OSError) as e:
                ok, res = False, {"desc": str(e)}
            reply = ("OK " if ok else "ERR ") + json.dumps(res)
            journal.write(f"qmp: {line[4:]} -> {reply}\n")
            journal.flush()
            req.sendall((reply + "\n").encode())


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--append", default="")
    ap.add_argument("--log", required=True)
    ap.add_argument("--timeout", type=int, default=900)
    # The longest silence of a good boot is under a minute (the 30 s
    # stress prints nothing): four minutes of it is a hang.
    ap.add_argument("--stall", type=int, default=240)
    ap.add_argument("--wakeup", type=int, default=3,
                    help="seconds in S3 before QEMU is told to wake the guest")
    ap.add_argument("--quiet", action="store_true",
                    help="do not echo the console to stdout")
    ap.add_argument("--progress", action="store_true",
                    help="instead of the console, print the elapsed time and "
                    "the last console line every 10 seconds")
    ap.add_argument("extra", nargs="*", help="more QEMU arguments (after --)")
    args = ap.parse_args()

    rundir = tempfile.mkdtemp(prefix="tdx-qemu-")
    deadline = time.time() + args.timeout
    log = open(args.log, "w")
    journal = open(args.log + ".qmp", "w")
    proc = subprocess.Popen(qemu_command(args, rundir), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    threading.Thread(target=serve_requests, args=(rundir, time.time() + 30, journal),
                     daemon=True).start()
    threading.Thread(target=wake_from_s3,
                     args=(rundir, time.time() + 30, journal, args.wakeup),
                     daemon=True).start()

    start = time.time()
    last = [""]
    last_time = [start]

    def pump():
        for raw in iter(proc.stdout.readline, b""):
            line = raw.decode(errors="replace").replace("\r", "")
            log.write(line)
            log.flush()
            last[0] = line.strip()
            last_time[0] = time.time()
            if not args.quiet and not args.progress:
                sys.stdout.write(line)
                sys.stdout.flush()

    def progress():
        while proc.poll() is None:
            time.sleep(10)
            print(f"  [{int(time.time() - start):4d}s] {last[0][:100]}", flush=True)

    if args.progress:
        threading.Thread(target=progress, daemon=True).start()

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    rc = None
    why = ""
    while rc is None:
        try:
            rc = proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            now = time.time()
            if now > deadline:
                why = f"TIMEOUT after {args.timeout}s"
            elif now - last_time[0] > args.stall:
                why = f"STALLED: no console output for {args.stall}s"
            else:
                continue
            proc.kill()
            proc.wait()
            rc = 124
    reader.join(timeout=5)
    if why:
        log.write(f"\nqemu.py: {why}, QEMU killed\n")
    log.close()
    time.sleep(0.5)  # the event thread's last lines (SHUTDOWN)
    journal.close()
    shutil.rmtree(rundir, ignore_errors=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
