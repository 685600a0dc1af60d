#!/bin/sh
# Install a pachca-profile release on a Linux CI runner (the README's "Release tarball").
# The binary needs only glibc, libyaml, libcurl and tzdata: apt-get install libyaml-0-2 libcurl4 tzdata.
set -eu
version=0.1.0
name=pachca-profile-$version-linux-$(uname -m)
curl -fsSLO "https://github.com/your-org/pachca-profile/releases/download/v$version/$name.tar.gz"
curl -fsSLO "https://github.com/your-org/pachca-profile/releases/download/v$version/$name.tar.gz.sha256"
sha256sum -c "$name.tar.gz.sha256"
sudo tar -xzf "$name.tar.gz" -C /usr/local --strip-components=1
pachca-profile --version
