#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the systemd unit of companies-server (data/companies-server.service.in).

The unit made by meson must start the installed companies-server, keep its
state under StateDirectory, and carry the hardening README.md promises;
when systemd-analyze is there, `systemd-analyze verify` must accept it too
(with ExecStart pointed at the built binary, since verify wants the
program to exist).

Usage: check-systemd-unit.py UNIT INSTALLED_BINARY BUILT_BINARY
"""

import os
import shutil
import subprocess
import sys
import tempfile

REQUIRED = {
    "DynamicUser": "yes",
    "StateDirectory": "companies-server",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "NoNewPrivileges": "yes",
    "CapabilityBoundingSet": "",
    "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
    "RestrictNamespaces": "yes",
    "RestrictSUIDSGID": "yes",
    "ProtectKernelTunables": "yes",
    "ProtectKernelModules": "yes",
    "ProtectControlGroups": "yes",
    "LockPersonality": "yes",
    "SystemCallArchitectures": "native",
}


def parse(path):
    """The unit's sections: name -> list of (key, value), in order."""
    sections = {}
    current = None
    with open(path, encoding="utf-8") as unit:
        for number, line in enumerate(unit, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("[") and line.endswith("]"):
                current = sections.setdefault(line[1:-1], [])
                continue
            if current is None or "=" not in line:
                sys.exit(f"{path}:{number}: not a key=value line in a section: {line}")
            key, value = line.split("=", 1)
            current.append((key.strip(), value.strip()))
    return sections


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    unit_path, installed, built = sys.argv[1:]
    sections = parse(unit_path)
    for name in ("Unit", "Service", "Install"):
        if name not in sections:
            sys.exit(f"{unit_path}: no [{name}] section")

    service = sections["Service"]
    values = {}
    for key, value in service:
        values.setdefault(key, []).append(value)

    errors = []
    for key, wanted in REQUIRED.items():
        if wanted not in values.get(key, []):
            errors.append(f"{key}={wanted} is missing (has {values.get(key)})")
    if "@system-service" not in values.get("SystemCallFilter", []):
        errors.append("SystemCallFilter=@system-service is missing")
    if "User" in values:
        errors.append("User= is set: the service runs as a DynamicUser")

    exec_start = values.get("ExecStart", [])
    if len(exec_start) != 1:
        errors.append(f"one ExecStart wanted, found {len(exec_start)}")
    else:
        argv = exec_start[0].split()
        if argv[0] != installed:
            errors.append(f"ExecStart runs {argv[0]}, not the installed {installed}")
        if "/var/lib/companies-server/companies-server.db" not in argv:
            errors.append("ExecStart does not keep its database in the StateDirectory")

    if ("WantedBy", "multi-user.target") not in sections["Install"]:
        errors.append("WantedBy=multi-user.target is missing")

    if errors:
        sys.exit("\n".join(f"{unit_path}: {error}" for error in errors))

    analyze = shutil.which("systemd-analyze")
    if analyze is not None:
        with tempfile.TemporaryDirectory() as folder:
            copy = os.path.join(folder, "companies-server.service")
            with open(unit_path, encoding="utf-8") as source, \
                 open(copy, "w", encoding="utf-8") as target:
                target.write(source.read().replace(installed, built))
            result = subprocess.run([analyze, "verify", "--man=no", copy],
                                    capture_output=True, text=True, check=False)
            # verify also reports problems of units it does not own
            lines = [line for line in (result.stdout + result.stderr).splitlines()
                     if "companies-server" in line]
            if result.returncode != 0 or lines:
                sys.exit("systemd-analyze verify:\n" + result.stdout + result.stderr)
        print(f"{unit_path}: hardened, ExecStart {installed}, systemd-analyze verify passed")
    else:
        print(f"{unit_path}: hardened, ExecStart {installed} (no systemd-analyze here)")


if __name__ == "__main__":
    main()
