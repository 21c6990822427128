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

# Two system services come with these packages, and neither may run: the
# tests and build-aux/cluster.sh start private ones (a PostgreSQL cluster
# on a Unix socket and nginx on loopback, in temporary folders). So, for
# the time of the apt-get call only, and undone right after (also when it
# fails):
#
# - postgresql: on its first install, postgresql-15 makes a cluster "main"
#   and starts it on port 5432, unless postgresql-common's configuration
#   says create_main_cluster = false; it reads the file below through the
#   include_dir of /etc/postgresql-common/createcluster.conf. It is read
#   only then, so removing it after changes nothing else (a PostgreSQL
#   installed later by other means makes its cluster as usual).
# - nginx-light: nginx-common starts nginx on port 80 as it installs.
#   Debian's way to refuse a service start during an install is a
#   policy-rc.d that exits 101; this one refuses nginx only, and is not
#   written when the machine has one already (a container's, which
#   refuses every start). The install also enables nginx at boot:
#   update-rc.d disables it again (its SysV links and its systemd unit).
#   The package's files stay, and /usr/sbin/nginx is all the tests use.
cluster_conf=/etc/postgresql-common/createcluster.d/companies-tests.conf
policy=/usr/sbin/policy-rc.d
written=""

undo () {
  if [ -n "$written" ]; then
    # shellcheck disable=SC2086
    $sudo rm -f $written
    written=""
  fi
}

refuse_services () {
  case " $missing " in
    *" postgresql "*)
      if [ ! -e "$cluster_conf" ]; then
        $sudo mkdir -p "$(dirname "$cluster_conf")"
        echo "create_main_cluster = false" | $sudo tee "$cluster_conf" > /dev/null
        written="$written $cluster_conf"
      fi
      ;;
  esac
  case " $missing " in
    *" nginx-light "*)
      if [ ! -e "$policy" ]; then
        # shellcheck disable=SC2016
        printf '#!/bin/sh\ncase "$1" in nginx) exit 101 ;; esac\nexit 0\n' |
          $sudo tee "$policy" > /dev/null
        $sudo chmod 755 "$policy"
        written="$written $policy"
      fi
      ;;
  esac
}

if [ -n "$missing" ]; then
  echo "Installing:$missing"
  $sudo apt-get update -q
  trap undo EXIT
  refuse_services
  # (env: sudo would drop the variable)
  # shellcheck disable=SC2086
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
  undo
  trap - EXIT
  case " $missing " in
    *" nginx-light "*) $sudo /usr/sbin/update-rc.d nginx disable > /dev/null 2>&1 || true ;;
  esac
fi
