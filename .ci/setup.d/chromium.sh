# Sourced by .ci/run (as root, on a fresh Debian machine) before the tests:
# Debian's Chromium for the browser tests (tests/browser/), which drive it through Playwright's
# Python package. Playwright's own browser download is not used: it cannot reach its CDN here.
# Fonts: DejaVu covers the check marks and arrows the lessons print; Liberation gives the
# JupyterLab UI metric-compatible sans-serif faces, so screenshots look like a desktop browser's.
chromium_setup() {
  if [ ! -x /usr/bin/chromium ]; then
    export DEBIAN_FRONTEND=noninteractive
    # A fresh machine may have no package lists yet; refresh only when the install needs it.
    apt-get install -y chromium fonts-dejavu-core fonts-liberation \
      || { apt-get update && apt-get install -y chromium fonts-dejavu-core fonts-liberation; } \
      || return 1
  fi
  /usr/bin/chromium --version 2>/dev/null || return 1
  export WORKBOOK_CHROMIUM=/usr/bin/chromium
}
chromium_setup
