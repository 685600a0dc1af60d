#!/usr/bin/env bash
# GitHub Action step: put pachca-profile on PATH. Either downloads the release tarball for this
# runner's OS and architecture and checks its sha256, or (version=source) builds the action's
# own checkout. Inputs arrive as environment variables, never spliced into the script.
#   PP_VERSION      release version ("0.1.0" or "v0.1.0"), "source", or empty = the action's VERSION file
#   PP_REPOSITORY   owner/name that publishes the releases (empty: the action's own repository)
#   PP_SHA256       optional expected sha256 of the tarball (pins it beyond the published .sha256)
set -euo pipefail

action_path=${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set: run this as the pachca-profile action}
install_root="${RUNNER_TEMP:-/tmp}/pachca-profile"
mkdir -p "$install_root/bin"

version=${PP_VERSION:-}
if [ -z "$version" ]; then
  version=$(tr -d ' \n' <"$action_path/VERSION")
fi
version=${version#v}

if [ "$version" = "source" ]; then
  echo "Building pachca-profile from source in $action_path"
  if [ "$(uname -s)" = "Linux" ] && ! pkg-config --exists yaml-0.1 libcurl 2>/dev/null; then
    sudo apt-get update -qq
    sudo apt-get install -y -qq libyaml-dev libcurl4-openssl-dev pkg-config
  elif [ "$(uname -s)" = "Darwin" ] && ! pkg-config --exists yaml-0.1 2>/dev/null; then
    brew install libyaml pkg-config
  fi
  # The one release build (static Swift runtime on Linux, the link laid out for memory).
  "$action_path/scripts/release-build.sh" --product pachca-profile
  cp "$("$action_path/scripts/release-build.sh" --product pachca-profile --show-bin-path)/pachca-profile" "$install_root/bin/"
else
  name=$("$action_path/scripts/release-name.sh" "$version") ||
    { echo "::error::pachca-profile: no release for $(uname -s); use version: source"; exit 1; }
  os=${name#pachca-profile-"$version"-}
  os=${os%%-*}

  # Where the releases live: the input, else the repository the action was taken from
  # (…/_actions/OWNER/NAME/REF), else the repository the workflow runs in.
  repository=${PP_REPOSITORY:-${GITHUB_ACTION_REPOSITORY:-}}
  if [ -z "$repository" ]; then
    case "$action_path" in
      */_actions/*/*/*) repository=$(echo "$action_path" | sed -E 's#.*/_actions/([^/]+)/([^/]+)/.*#\1/\2#') ;;
      *) repository=${GITHUB_REPOSITORY:?} ;;
    esac
  fi
  url="${GITHUB_SERVER_URL:-https://github.com}/$repository/releases/download/v$version/$name.tar.gz"
  echo "Downloading $url"
  cd "$install_root"
  curl --fail --silent --show-error --location --retry 3 -o "$name.tar.gz" "$url"
  curl --fail --silent --show-error --location --retry 3 -o "$name.tar.gz.sha256" "$url.sha256"

  sha() { if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d' ' -f1; }
  actual=$(sha "$name.tar.gz")
  published=$(cut -d' ' -f1 "$name.tar.gz.sha256")
  if [ "$actual" != "$published" ]; then
    echo "::error::pachca-profile: sha256 mismatch for $name.tar.gz (got $actual, published $published)"
    exit 1
  fi
  if [ -n "${PP_SHA256:-}" ] && [ "$actual" != "$PP_SHA256" ]; then
    echo "::error::pachca-profile: sha256 of $name.tar.gz is $actual, the sha256 input expects $PP_SHA256"
    exit 1
  fi
  tar -xzf "$name.tar.gz"
  cp "$name/bin/pachca-profile" bin/
  # The binary loads libyaml and libcurl from the system; most runner images have both.
  if [ "$os" = linux ] && ldd bin/pachca-profile | grep -q "not found"; then
    sudo apt-get update -qq
    sudo apt-get install -y -qq libyaml-0-2 libcurl4
  elif [ "$os" = macos ] && ! brew list libyaml >/dev/null 2>&1; then
    brew install libyaml
  fi
fi

echo "$install_root/bin" >>"$GITHUB_PATH"
"$install_root/bin/pachca-profile" --version
