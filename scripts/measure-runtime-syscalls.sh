#!/bin/sh
# Measures the syscalls an OCI runtime makes between loading the container's seccomp profile and
# exec'ing the container process: defaultAction SCMP_ACT_LOG, the kernel's audit messages
# (type=1326), read back with `bouncer profile import audit`. The kernel rate-limits those
# messages (10 per 5 s), so syscalls already found are allowed silently and the run repeats
# until three rounds in a row find nothing new.
# Usage (root): scripts/measure-runtime-syscalls.sh runc|crun, with a busybox-static bundle in
# /tmp/profwork/bundle whose config-base.json is a `runc spec` config (process.args /bin/true).
rt=$1; B=${BOUNCER_PROFILE:-build/profile/bouncer-profile}; known=""; quiet=0; round=0
B=$(realpath "$B"); cd /tmp/profwork/bundle
while [ $quiet -lt 3 ] && [ $round -lt 15 ]; do
  round=$((round+1))
  python3 - "$known" <<'PY'
import json,sys
c=json.load(open('config-base.json'))
names=[n for n in sys.argv[1].split() if n]
c['linux']['seccomp']={"defaultAction":"SCMP_ACT_LOG","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_X32"],
 "syscalls":[{"names":names,"action":"SCMP_ACT_ALLOW"}] if names else []}
json.dump(c,open('config.json','w'),indent=1)
PY
  sleep 6
  echo "pw-measure-$rt-$round" > /dev/kmsg
  if [ $rt = runc ]; then runc run pwm-$round >/dev/null; else crun --cgroup-manager=disabled run pwm-$round >/dev/null; fi
  sleep 1
  dmesg | sed -n "/pw-measure-$rt-$round\$/,\$p" > ../m-$rt-$round.txt
  new=$($B import audit ../m-$rt-$round.txt | python3 -c '
import json,sys
s=set()
for l in sys.stdin:
    r=json.loads(l)
    if r["exe"].endswith("busybox"): continue
    s.add(r["syscall"])
print(" ".join(sorted(s)))')
  sup=$(grep -c suppressed ../m-$rt-$round.txt)
  echo "round $round: new [$new] suppressed-lines=$sup"
  if [ -z "$new" ]; then quiet=$((quiet+1)); else quiet=0; known="$known $new"; fi
done
echo "$rt RESULT: $(echo $known | tr ' ' '\n' | sort -u | tr '\n' ' ')"
