#!/usr/bin/env bash
# Browser tests need Debian's chromium and CJK fonts. Install them when we can (root with apt);
# otherwise say loudly that the browser tests will be skipped.
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "== installing chromium and fonts-noto-cjk for the browser tests"
  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk >/dev/null \
    && exit 0
fi
echo "!! chromium or fonts-noto-cjk missing and cannot be installed here: browser tests will be SKIPPED"
