# Shared by the bench scripts (sourced): timing a command the same way on both sides of a comparison.

# Runs a command with stdout to $1 and stderr to $1.err; sets wall_s and cpu_s (user + system), or prints
# the command's stderr and exits when it fails.
timed() {
  local out=$1 times
  shift
  times=$( { TIMEFORMAT='%R %U %S'; time "$@" > "$out" 2> "$out.err"; } 2>&1 ) || {
    echo "failed: $*" >&2
    cat "$out.err" >&2
    exit 1
  }
  read -r wall_s user_s sys_s <<< "$times"
  cpu_s=$(echo "$user_s + $sys_s" | bc -l)
}
