#!/usr/bin/env python3
"""Side-by-side load figures: stepworker-local, LocalStack and moto, each
driven by the same Rust load tool (`load_engine --endpoint`) in one run.

    python3 tools/peers.py [--seconds 3] [--concurrency 64] [--waiting 1000]

Installs LocalStack (localstack-core, host mode, no Docker) and moto
(`moto[server]`) into virtual environments under $TMPDIR, starts each engine
on a free 127.0.0.1 port in turn, runs the load tool against it, stops it,
and prints a Markdown table: each figure, its ratio to stepworker-local's and
its ratio to the loopback ceiling measured in the same load-tool run.

Not part of CI's test command (it installs ~150 Python packages and takes
minutes); run it by hand. Needs only the standard library to start.

LocalStack: 4.14.0 imports `threading.Lock | None` at module level, which
fails before Python 3.13 (Lock became a class in 3.13), so on Python 3.11
the newest release that starts is 4.9.2 (4.10 to 4.13 have the same
annotation). The script runs 4.9.2 on its own Python (3.11 here), and also
4.14.0 when a Python 3.13 is found (pyenv's, on this machine);
LOCALSTACK_VERSION (with LOCALSTACK_PYTHON) runs just that one instead.
"""

import argparse
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(os.environ.get("TMPDIR", "/tmp")) / "stepworker-peers"
# Pins that keep localstack-core's host mode importable (newer majors of
# these changed APIs it uses).
LOCALSTACK_PINS = ["cbor2<6", "pyopenssl<25", "cryptography<45", "service_identity"]
MOTO_VERSION = "5.2.6"


def log(message):
    print(f"[peers] {message}", file=sys.stderr, flush=True)


def run(cmd, **kwargs):
    log(" ".join(str(c) for c in cmd))
    subprocess.run(cmd, check=True, **kwargs)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def python_313():
    """A Python 3.13 interpreter that runs, if this machine has one (pyenv's
    shims name one that may not be selected, so each is tried)."""
    candidates = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.13*/bin/python3")))
    candidates.append(shutil.which("python3.13"))
    for path in filter(None, candidates):
        if python_version(path).startswith("3.13"):
            return path
    return None


def python_version(python):
    out = subprocess.run([python, "--version"], capture_output=True, text=True).stdout
    return out.split()[-1] if out.strip() else "?"


def localstack_variants():
    """(version, python) pairs to run: the newest release that starts on
    this script's Python (4.9.2 on 3.11), and 4.14.0 when a 3.13 exists;
    or just LOCALSTACK_VERSION on LOCALSTACK_PYTHON."""
    if os.environ.get("LOCALSTACK_VERSION"):
        return [(os.environ["LOCALSTACK_VERSION"], os.environ.get("LOCALSTACK_PYTHON", sys.executable))]
    variants = []
    newer = python_313()
    if newer:
        variants.append(("4.14.0", newer))
    if sys.version_info < (3, 13):
        variants.append(("4.9.2", sys.executable))
    return variants


def venv(name, python, packages):
    """A virtual environment at WORK/name with `packages`; its bin folder."""
    path = WORK / name
    marker = path / "installed.txt"
    wanted = "\n".join(packages)
    if not (marker.exists() and marker.read_text() == wanted):
        shutil.rmtree(path, ignore_errors=True)
        run([python, "-m", "venv", str(path)])
        run([str(path / "bin/pip"), "install", "--quiet", "--disable-pip-version-check", *packages])
        marker.write_text(wanted)
    return path / "bin"


def http_ok(url, data=None, timeout=2):
    try:
        request = urllib.request.Request(url, data=data, method="POST" if data else "GET")
        if data:
            request.add_header("content-type", "application/json")
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status < 500, response.read()
    except Exception:
        return False, b""


def wait_for(check, what, limit=120):
    deadline = time.time() + limit
    while time.time() < deadline:
        if check():
            return
        time.sleep(0.25)
    raise RuntimeError(f"{what} did not come up within {limit} s")


class Server:
    """An engine process on a loopback port, stopped on exit."""

    def __init__(self, name, cmd, env, port, logfile):
        self.name, self.port = name, port
        self.url = f"http://127.0.0.1:{port}"
        self.log = open(logfile, "w")
        full_env = dict(os.environ, **env)
        self.process = subprocess.Popen(cmd, env=full_env, stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def start_stepworker(port, logdir):
    server = Server("stepworker-local",
                    [str(ROOT / "target/release/stepworker-local"), "--host", "127.0.0.1", "--port", str(port),
                     "--retain-executions", "20000"], {}, port, logdir / "stepworker-local.log")
    wait_for(lambda: http_ok(server.url + "/")[0], "stepworker-local")
    return server


def start_localstack(port, logdir, bin_dir):
    data = Path(tempfile.mkdtemp(prefix="localstack-", dir=WORK))
    env = {
        "SERVICES": "stepfunctions",
        "GATEWAY_LISTEN": f"127.0.0.1:{port}",
        "LOCALSTACK_HOST": f"127.0.0.1:{port}",
        "FILESYSTEM_ROOT": str(data),
        "SKIP_SSL_CERT_DOWNLOAD": "1",
        "DISABLE_EVENTS": "1",
    }
    server = Server("LocalStack", [str(bin_dir / "python"), "-m", "localstack.runtime.main"], env, port,
                    logdir / "localstack.log")

    def ready():
        ok, body = http_ok(server.url + "/_localstack/health")
        return ok and b"stepfunctions" in body
    wait_for(ready, "LocalStack", limit=180)
    return server


def start_moto(port, logdir, bin_dir):
    server = Server("moto", [str(bin_dir / "moto_server"), "-H", "127.0.0.1", "-p", str(port)], {}, port,
                    logdir / "moto.log")
    wait_for(lambda: http_ok(server.url + "/moto-api/")[0], "moto")
    # Without this moto only records executions; with it, its interpreter
    # (derived from LocalStack's) runs them.
    config = json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode()
    ok, _ = http_ok(server.url + "/moto-api/config", data=config)
    if not ok:
        raise RuntimeError("moto refused the Step Functions execution config")
    return server


def measure(server, args):
    cmd = [str(ROOT / "target/release/load_engine"), "--endpoint", server.url,
           "--server-pid", str(server.process.pid), "--seconds", str(args.seconds),
           "--concurrency", str(args.concurrency), "--waiting", str(args.waiting), "--json"]
    log(f"measuring {server.name}: {' '.join(cmd)}")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=1800).stdout
    sys.stderr.write(out)
    return json.loads(out.strip().splitlines()[-1])


# (label, where the figure is in the load tool's JSON, where its ceiling is
# (a number divides the ceiling's requests/s: a round trip is 3 requests))
FIGURES = [
    ("10-state Pass chain, executions/s", ("pass_chain_executions_per_s",), ("ceiling_requests_per_s",), 1),
    ("activity round trips/s", ("activity_round_trips_per_s",), ("ceiling_requests_per_s",), 3),
    ("DescribeStateMachine p50, 1 client (ms)", ("describe_sequential", "p50_ms"),
     ("ceiling_describe_sequential", "p50_ms"), 1),
    ("DescribeStateMachine p99, 1 client (ms)", ("describe_sequential", "p99_ms"),
     ("ceiling_describe_sequential", "p99_ms"), 1),
    ("DescribeStateMachine p50, N clients (ms)", ("describe_concurrent", "p50_ms"),
     ("ceiling_describe_concurrent", "p50_ms"), 1),
    ("DescribeStateMachine p99, N clients (ms)", ("describe_concurrent", "p99_ms"),
     ("ceiling_describe_concurrent", "p99_ms"), 1),
    ("server RSS before the waiting executions (MiB)", ("rss_with_waiting", "before_mib"), None, 1),
    ("server RSS with the waiting executions (MiB)", ("rss_with_waiting", "after_mib"), None, 1),
]


def dig(report, *keys):
    for key in keys:
        if not isinstance(report, dict):
            return None
        report = report.get(key)
    return report


def table(results, args):
    names = list(results)
    base = results.get("stepworker-local", {})
    lines = [f"Same load tool and client for every engine: {args.seconds} s per figure, "
             f"{args.concurrency} clients (N), {args.waiting} waiting executions; "
             "'vs sw' = ratio to stepworker-local, 'vs ceil' = ratio to the loopback ceiling of the same run "
             "(ceiling/3 for round trips; latency ratios are the engine's over the ceiling's).", ""]
    lines.append("| figure | " + " | ".join(names) + " |")
    lines.append("|---|" + "---|" * len(names))
    for label, path, ceiling_path, divisor in FIGURES:
        cells = []
        for name in names:
            report = results[name]
            if "error" in report:
                cells.append("did not run")
                continue
            value = dig(report, *path)
            if value is None:
                cells.append("not measured")
                continue
            cell = f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
            parts = []
            sw = dig(base, *path)
            if sw and name != "stepworker-local":
                parts.append(f"{value / sw:.3g}x sw")
            ceiling = dig(report, *ceiling_path) if ceiling_path else None
            if ceiling:
                parts.append(f"{value / (ceiling / divisor):.3g}x ceil")
            cells.append(cell + (f" ({', '.join(parts)})" if parts else ""))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    failures = {n: r.get("failures") or r.get("error") for n, r in results.items() if r.get("failures") or r.get("error")}
    if failures:
        lines.append("")
        for name, why in failures.items():
            lines.append(f"- {name}: {json.dumps(why)[:400]}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--waiting", type=int, default=1000)
    parser.add_argument("--only", default="stepworker-local,localstack,moto",
                        help="comma-separated engines to run")
    args = parser.parse_args()
    only = set(args.only.split(","))
    WORK.mkdir(parents=True, exist_ok=True)
    logdir = Path(tempfile.mkdtemp(prefix="logs-", dir=WORK))
    log(f"server logs in {logdir}")

    run(["cargo", "build", "--release", "--locked", "-p", "stepworker-local", "--bin", "stepworker-local",
         "-p", "stepworker-suite", "--bin", "load_engine"], cwd=ROOT)
    starters = {}
    if "stepworker-local" in only:
        starters["stepworker-local"] = start_stepworker
    if "localstack" in only:
        for version, py in localstack_variants():
            label = f"LocalStack {version} (Python {python_version(py)})"
            log(f"{label} from {py}")
            bin_dir = venv(f"localstack-{version}", py, [f"localstack-core[runtime]=={version}", *LOCALSTACK_PINS])
            starters[label] = lambda port, logs, bin_dir=bin_dir: start_localstack(port, logs, bin_dir)
    if "moto" in only:
        moto_bin = venv(f"moto-{MOTO_VERSION}", sys.executable, [f"moto[server]=={MOTO_VERSION}"])
        starters[f"moto {MOTO_VERSION}"] = lambda port, logs: start_moto(port, logs, moto_bin)

    results = {}
    for name, start in starters.items():
        server = None
        try:
            server = start(free_port(), logdir)
            results[name] = measure(server, args)
        except Exception as e:  # one engine failing must not hide the others
            log(f"{name} failed: {e}")
            results[name] = {"error": str(e)}
        finally:
            if server:
                server.stop()
    load = os.getloadavg()
    print(f"load average before the table: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
          f"{os.cpu_count()} cores")
    print(table(results, args))


if __name__ == "__main__":
    main()
