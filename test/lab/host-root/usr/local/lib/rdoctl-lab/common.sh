# Shared by the lab's simulated commands (sourced). State lives on the host's own disk:
#   /var/lib/fake-rpm       installed packages ("name evr.arch" per line), dnf lock
#   /var/lib/fake-systemd   <unit>.enabled (enabled|disabled|masked); /run/fake-systemd/<unit>.active
#   /etc/fake-host          host facts and knobs (delay-scale, clock-synchronized, dnf-hang, dnf-fail)
LAB_LIB=/usr/local/lib/rdoctl-lab
RPM_DB=/var/lib/fake-rpm/installed
UNIT_DIR=/var/lib/fake-systemd
ACTIVE_DIR=/run/fake-systemd
KNOBS=/etc/fake-host

# Sleeps BASE seconds scaled by /etc/fake-host/delay-scale (0 = instant), so tests stay fast
# while humans trying the lab can watch realistic pacing.
lab_delay() {
  local scale
  scale=$(cat "$KNOBS/delay-scale" 2>/dev/null || echo 0.1)
  local seconds
  seconds=$(awk -v b="$1" -v s="$scale" 'BEGIN { printf "%.3f", b * s }')
  [ "$seconds" = "0.000" ] || sleep "$seconds"
}

unit_name() {
  local unit=${1%.service}
  echo "$unit"
}

rpm_installed() {
  grep -q "^$1 " "$RPM_DB" 2>/dev/null
}

rpm_nevra() {
  awk -v n="$1" '$1 == n { print $1 "-" $2; found=1 } END { exit !found }' "$RPM_DB"
}
