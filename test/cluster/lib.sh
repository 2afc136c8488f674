# Shared by the cluster scripts (source it): free loopback ports and Debian packages installed on demand.

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# free_port WANTED FIRST LAST: WANTED when set (failing if it is taken), else the first free port in FIRST..LAST.
free_port() {
  local wanted="$1" first="$2" last="$3" port
  if [ -n "$wanted" ]; then
    if port_in_use "$wanted"; then
      echo "port $wanted is in use" >&2
      exit 1
    fi
    echo "$wanted"
    return
  fi
  for port in $(seq "$first" "$last"); do
    if ! port_in_use "$port"; then
      echo "$port"
      return
    fi
  done
  echo "no free port in $first-$last" >&2
  exit 1
}

# apt_install PACKAGE: Debian's package, as root or with sudo; then stops the system service the package may have
# started (the tests run their own, on their own ports).
apt_install() {
  local package="$1"
  echo "$package is missing: installing Debian's package" >&2
  if [ "$(id -u)" -eq 0 ]; then
    apt-get install -y -qq "$package" >&2 || { apt-get update -qq >&2 && apt-get install -y -qq "$package" >&2; }
  elif command -v sudo >/dev/null 2>&1; then
    sudo -E apt-get install -y -qq "$package" >&2 || { sudo apt-get update -qq >&2 && sudo -E apt-get install -y -qq "$package" >&2; }
  else
    echo "cannot install $package: not root and no sudo (apt-get install -y $package)" >&2
    exit 1
  fi
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$package" 2>/dev/null; then
    if [ "$(id -u)" -eq 0 ]; then systemctl stop "$package" || true; else sudo systemctl stop "$package" || true; fi
  fi
}
