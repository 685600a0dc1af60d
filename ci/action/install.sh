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

# Every failure is an ::error annotation that says what to do.
fail() { echo "::error title=pachca-profile install::$*"; exit 1; }

if [ "$version" = "source" ]; then
  echo "Building pachca-profile from source in $action_path"
  # The build's Debian packages (through sudo on hosted runners); Homebrew's libyaml on macOS.
  "$action_path/scripts/install-deps.sh" ||
    fail "the build's packages are missing and could not be installed; run the apt-get line above in an earlier step, or use a release version"
  "$action_path/scripts/release-build.sh" --product pachca-profile ||
    fail "the source build failed (log above); use a released version instead of version: source"
  cp "$("$action_path/scripts/release-build.sh" --product pachca-profile --show-bin-path)/pachca-profile" "$install_root/bin/"
else
  name=$("$action_path/scripts/release-name.sh" "$version") ||
    fail "no pachca-profile release for $(uname -s); use version: source"
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
  releases="${GITHUB_SERVER_URL:-https://github.com}/$repository/releases"
  url="$releases/download/v$version/$name.tar.gz"
  echo "Downloading $url"
  cd "$install_root"
  download() {  # url file: 0, or an annotation that tells a missing release from a failed download
    local code
    code=$(curl --silent --show-error --location --retry 3 -o "$2" -w '%{http_code}' "$1" 2>"$2.err") || code=${code:-000}
    case "$code" in
      2??) return 0 ;;
      404) fail "no release v$version of $name.tar.gz at $releases (HTTP 404): set the version input to one listed at $releases, or leave it empty for the action's own version" ;;
      000) fail "could not download $1 ($(head -c 200 "$2.err")): check the runner's network or proxy, then re-run the job" ;;
      *) fail "downloading $1 failed with HTTP $code: re-run the job; if it persists, check $releases" ;;
    esac
  }
  download "$url" "$name.tar.gz"
  download "$url.sha256" "$name.tar.gz.sha256"

  sha() { if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d' ' -f1; }
  actual=$(sha "$name.tar.gz")
  published=$(cut -d' ' -f1 "$name.tar.gz.sha256")
  if [ "$actual" != "$published" ]; then
    fail "sha256 mismatch for $name.tar.gz (got $actual, published $published): the download was altered or truncated; re-run the job, and do not use this tarball if it persists"
  fi
  if [ -n "${PP_SHA256:-}" ] && [ "$actual" != "$PP_SHA256" ]; then
    fail "sha256 of $name.tar.gz is $actual, the sha256 input expects $PP_SHA256: update the sha256 input for v$version, or pin the version it was computed for"
  fi
  tar -xzf "$name.tar.gz" || fail "cannot unpack $name.tar.gz: re-run the job"
  cp "$name/bin/"* bin/
  # libyaml is linked (ldd sees it); libcurl is opened at run time, so ldd cannot: ask the
  # dynamic linker's cache for libcurl.so.4 itself. Most runner images have both.
  if [ "$os" = linux ]; then
    if ldd bin/pachca-profile | grep -q "not found" || ! ldconfig -p 2>/dev/null | grep -q 'libcurl\.so\.4 '; then
      echo "Installing libyaml-0-2 and libcurl4"
      { sudo -n apt-get update -qq && sudo -n apt-get install -y -qq libyaml-0-2 libcurl4; } ||
        fail "libyaml-0-2 or libcurl4 is missing and could not be installed: add a step 'sudo apt-get install -y libyaml-0-2 libcurl4' before this one"
    fi
  elif [ "$os" = macos ] && ! brew list libyaml >/dev/null 2>&1; then
    brew install libyaml || fail "libyaml is missing and brew install libyaml failed: add a step that installs it before this one"
  fi
fi

echo "$install_root/bin" >>"$GITHUB_PATH"
# The proof it runs here (libraries included): a failure is the tool's own one-line reason.
out=$("$install_root/bin/pachca-profile" --version 2>&1) || fail "the installed pachca-profile does not start: $out"
echo "$out"
