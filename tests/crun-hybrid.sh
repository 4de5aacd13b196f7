#!/bin/sh
# Runs crun (the arguments) where crun 1.8.1 accepts this host's cgroups.
#
# crun 1.8.1 refuses a hybrid cgroup setup (v1 hierarchies plus cgroup2 on
# /sys/fs/cgroup/unified) when any controller is attached to cgroup2: "cgroups in hybrid mode
# not supported, drop all controllers from cgroupv2". This project's VMs leave hugetlb there.
# Rather than change the host, every enabled controller that no v1 mount shows is bound to a v1
# hierarchy mounted in a private mount namespace, for crun's lifetime: while that mount exists
# the controller cannot move back to cgroup2 (checking cgroup.controllers instead would race
# with the kernel tearing down an earlier run's hierarchy). The kernel rebinds the controllers
# to cgroup2 once the namespace is gone.
set -eu
if ! grep -q ' /sys/fs/cgroup/unified cgroup2 ' /proc/self/mounts; then
	exec crun "$@"
fi
dir=$(mktemp -d)
trap 'rmdir "$dir"/* "$dir" 2>/dev/null || true' EXIT
unshare -m --propagation private sh -c '
	dir=$1; shift
	awk "!/^#/ && \$4 == 1 { print \$1 }" /proc/cgroups | while read -r c; do
		# Already a v1 hierarchy of its own on this host: nothing to do.
		awk -v c="$c" "\$3 == \"cgroup\" { n = split(\$4, o, \",\"); for (i = 1; i <= n; i++) if (o[i] == c) f = 1 } END { exit !f }" /proc/self/mounts && continue
		mkdir -p "$dir/$c"
		mount -t cgroup -o "$c" "bouncer-test-$c" "$dir/$c" 2>/dev/null || true
	done
	exec crun "$@"' sh "$dir" "$@"
