#!/bin/bash
# Boots one lab host. Runs as PID 1 of the host's fresh PID, mount and UTS namespaces (inside its
# network namespace), still seeing this machine's filesystem; ends by pivoting into the host's
# overlay root and exec'ing the host's init.
# Usage: host-boot.sh ROOT SHARE — ROOT is the mounted overlay, SHARE the lab's read-only
# directory of Packstack release data (mounted at /usr/local/share/fake-packstack).
set -euo pipefail
root=$1
share=$2

mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --rbind /dev "$root/dev"
mount -t tmpfs -o mode=0755,size=64m run "$root/run"
mount --bind "$share" "$root/usr/local/share/fake-packstack"
mount -o remount,bind,ro "$root/usr/local/share/fake-packstack"

# pivot_root(".", ".") then detach the old root: the host's mount table holds only its own
# mounts, and no other host's disk stays pinned by this namespace.
cd "$root"
pivot_root . .
umount -l .
cd /

lab=/usr/local/lib/rdoctl-lab
mount --bind "$lab/proc/cpuinfo" /proc/cpuinfo
mount --bind "$lab/proc/meminfo" /proc/meminfo
hostname "$(cat /etc/hostname)"
exec "$lab/init"
