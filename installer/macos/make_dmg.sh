#!/bin/sh
# A .dmg for macOS from the app bundle the spec makes (dist/wardapp.app): drag wardapp to
# Applications. `python3 installer/build.py` runs this on a Mac; by hand:
#     sh installer/macos/make_dmg.sh [DIST]          (DIST defaults to dist)
# The version comes from the app's Info.plist, which the spec fills from pyproject.toml.
# Not signed or notarised: Gatekeeper asks the user to confirm the first start (right-click,
# Open) until a Developer ID signs it (codesign, then xcrun notarytool).
set -eu
dist=${1:-dist}
app="$dist/wardapp.app"
[ -d "$app" ] || { echo "No $app: run python3 installer/build.py first." >&2; exit 1; }
version=$(/usr/libexec/PlistBuddy -c "Print :CFBundleShortVersionString" "$app/Contents/Info.plist")
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
hdiutil create -volname "wardapp $version" -srcfolder "$staging" -ov -format UDZO \
    "$dist/wardapp-$version.dmg"
echo "Package: $dist/wardapp-$version.dmg"
