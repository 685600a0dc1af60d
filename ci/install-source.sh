#!/bin/sh
# Build and install from source (the README's "From source"): Swift 6 and two Debian packages.
set -eu
sudo apt-get install -y libyaml-dev libcurl4-openssl-dev pkg-config
make install PREFIX=/usr/local
pachca-profile --version
