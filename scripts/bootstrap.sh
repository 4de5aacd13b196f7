#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a result:
#   scripts/bootstrap.sh demo   install what is missing, build, run a real command under bouncer
#   scripts/bootstrap.sh test   install what is missing, build (warnings are errors), run all tests
# Installing needs root (apt-get); without root, missing packages are named and we stop.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(gcc libc6-dev libseccomp-dev libuv1-dev libjansson-dev check meson ninja-build
	pkg-config python3 runc crun busybox-static strace)
# The i386 tests (tests/test_supervise_i386.c) run a 32-bit static program: -m32 needs these.
if [ "$(dpkg --print-architecture 2>/dev/null)" = amd64 ]; then
	packages+=(gcc-multilib libc6-dev-i386)
fi

install_missing() {
	local missing=() p
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "bootstrap: missing packages: ${missing[*]} (run as root, or apt-get install them)" >&2
		exit 1
	fi
	echo "bootstrap: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {
	if [ ! -f build/build.ninja ]; then
		meson setup build -Dwerror=true >/dev/null
	fi
	ninja -C build
}

run_tests() {
	local rc=0
	meson test -C build --print-errorlogs --num-processes 2 "$@" || rc=$?
	# A closing line that says what ran, whatever meson's own format is.
	python3 - build/meson-logs/testlog.json <<'PY'
import json, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"): passed += 1
    elif r == "SKIP": skipped += 1
    else: failed += 1
print(f"bouncer: {passed} passed, {failed} failed, {skipped} skipped")
PY
	return $rc
}

case "${1:-}" in
demo)
	install_missing
	build
	echo
	echo "\$ bouncer run -o - -- sh -c 'echo hello from the workload; unshare --user true || echo unshare was denied'"
	exec build/supervisor/bouncer run -o - -- sh -c \
		'echo hello from the workload; unshare --user true || echo unshare was denied'
	;;
test)
	install_missing
	build
	shift
	run_tests "$@"
	;;
*)
	echo "usage: scripts/bootstrap.sh demo|test" >&2
	exit 2
	;;
esac
