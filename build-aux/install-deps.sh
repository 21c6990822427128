#!/bin/sh
# Installs what Companies needs to build, run and test on Debian 12.
# Runs apt-get as root (through sudo when not root already).
set -eu

packages="
  meson ninja-build pkg-config gcc
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libsoup-3.0-dev libjson-glib-dev
  libsqlite3-dev sqlite3 glib-networking openssl
  libadwaita-1-dev libsecret-1-dev gnome-keyring libsecret-tools
  gettext itstool desktop-file-utils appstream python3 curl
  clang libclang-rt-14-dev
  xvfb xauth dbus dbus-x11 x11-apps imagemagick
  adwaita-icon-theme fonts-cantarell gsettings-desktop-schemas
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

if [ -n "$missing" ]; then
  echo "Installing:$missing"
  $sudo apt-get update -q
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
fi
