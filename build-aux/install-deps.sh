#!/bin/sh
# Installs what Companies needs to build, run and test on Debian 12.
# Runs apt-get as root (through sudo when not root already).
set -eu

packages="
  meson ninja-build pkg-config gcc
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev libjson-glib-dev
  libsqlite3-dev sqlite3 glib-networking openssl
  nginx-light
  libpq-dev postgresql
  libsecret-1-dev gnome-keyring libsecret-tools
  gettext itstool desktop-file-utils appstream python3 curl
  clang libclang-rt-14-dev
  xvfb xauth dbus dbus-x11 x11-apps imagemagick xdotool
  adwaita-icon-theme fonts-cantarell gsettings-desktop-schemas
  at-spi2-core gir1.2-atspi-2.0 python3-gi
"

if [ "$(id -u)" -eq 0 ]; then
  sudo=""
else
  sudo="sudo"
fi

missing=""
for package in $packages; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $package"
  fi
done

# The tests start private PostgreSQL clusters of their own: the package
# must not make (and start) a system-wide one.
case " $missing " in
  *" postgresql "*)
    $sudo mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" |
      $sudo tee /etc/postgresql-common/createcluster.d/companies-tests.conf > /dev/null
    ;;
esac

# nginx runs only where a test or build-aux/cluster.sh starts it, on
# loopback: the package must not start (or enable) the system-wide one on
# port 80. A policy-rc.d (Debian's way to refuse a service start during an
# install) refuses nginx only, for the time of the install.
policy=""
case " $missing " in
  *" nginx-light "*)
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      policy=/usr/sbin/policy-rc.d
      printf '#!/bin/sh\ncase "$1" in nginx) exit 101 ;; esac\nexit 0\n' |
        $sudo tee "$policy" > /dev/null
      $sudo chmod 755 "$policy"
      trap '$sudo rm -f "$policy"' EXIT
    fi
    ;;
esac

if [ -n "$missing" ]; then
  echo "Installing:$missing"
  $sudo apt-get update -q
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
fi

if [ -n "$policy" ]; then
  $sudo rm -f "$policy"
  if command -v systemctl > /dev/null 2>&1; then
    $sudo systemctl disable nginx > /dev/null 2>&1 || true
  fi
fi
