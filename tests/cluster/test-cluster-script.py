#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""build-aux/cluster.sh starts PostgreSQL, two servers and nginx, serves
syncs through nginx over TLS, and stops everything on SIGINT.

Runs the script with --ready-file, waits for the URL and the CA file,
adds a company with companies-cli through nginx and syncs it, syncs it
into a second installation, checks that both servers served syncs, then
sends SIGINT: the script must exit 0, remove its folder, and leave no
process of its own (nothing listens on the URL, no server, postgres or
nginx runs from the folder).

Usage: test-cluster-script.py SOURCE_ROOT (with COMPANIES_SERVER and
COMPANIES_CLI set, as meson test does)
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time


def wait_for(path, process, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if os.path.exists(path):
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.1)
    return False


def processes_mentioning(text):
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                if text.encode() in cmdline.read():
                    found.append(pid)
        except OSError:
            pass
    return found


def cli(env, database, *args):
    result = subprocess.run([os.environ["COMPANIES_CLI"], "--database", database, *args],
                            env=env, capture_output=True, text=True, timeout=60, check=False)
    if result.returncode != 0:
        sys.exit(f"companies-cli {' '.join(args)} failed: {result.stdout}{result.stderr}")
    return result.stdout


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main():
    source_root = sys.argv[1]
    with tempfile.TemporaryDirectory() as work:
        ready = os.path.join(work, "ready")
        log_path = os.path.join(work, "cluster.log")
        port = free_port()
        with open(log_path, "w", encoding="utf-8") as log:
            script = subprocess.Popen(
                [os.path.join(source_root, "build-aux", "cluster.sh"), "--servers", "2",
                 "--port", str(port), "--ready-file", ready],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            if not wait_for(ready, script, 120):
                with open(log_path, encoding="utf-8") as log:
                    sys.exit("cluster.sh did not get ready:\n" + log.read())
            with open(ready, encoding="utf-8") as ready_file:
                url, ca_file = ready_file.read().split()
            cluster_dir = os.path.dirname(ca_file)
            print(f"cluster at {url}, CA {ca_file}")

            env = dict(os.environ, COMPANIES_SERVER_URL=url, COMPANIES_CA_FILE=ca_file)
            first = os.path.join(work, "first.db")
            second = os.path.join(work, "second.db")
            cli(env, first, "add", "--name", "Through nginx", "--city", "Porto")
            for _ in range(3):
                cli(env, first, "sync")
            cli(env, second, "sync")
            listed = cli(env, second, "list")
            if "Through nginx" not in listed:
                sys.exit(f"the second installation did not receive the company:\n{listed}")

            served = []
            for number in (1, 2):
                with open(os.path.join(cluster_dir, f"server-{number}.log"), encoding="utf-8") as log:
                    served.append(log.read().count("POST /v1/companies/sync 200"))
            print(f"syncs served by each server: {served}")
            if min(served) == 0:
                sys.exit(f"nginx did not spread the syncs over both servers: {served}")
        finally:
            if script.poll() is None:
                script.send_signal(signal.SIGINT)
        try:
            status = script.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(script.pid, signal.SIGKILL)
            sys.exit("cluster.sh did not stop on SIGINT")
        with open(log_path, encoding="utf-8") as log:
            print(log.read())
        if status != 0:
            sys.exit(f"cluster.sh exited with {status} on SIGINT")
        if os.path.exists(cluster_dir):
            sys.exit(f"cluster.sh left {cluster_dir}")
        left = processes_mentioning(cluster_dir)
        if left:
            sys.exit(f"processes of the cluster still run: {left}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                sys.exit(f"something still listens on {url}")
    print("cluster.sh started, served and stopped cleanly")


if __name__ == "__main__":
    main()
