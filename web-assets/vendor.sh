#!/usr/bin/env bash
# Installs the pinned front-end packages from the npm registry and copies the
# files the binary embeds into crates/web/assets/vendor/ (committed).
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund 2>/dev/null || npm install --no-audit --no-fund
out=../crates/web/assets/vendor
mkdir -p "$out"
cp node_modules/bootstrap/dist/css/bootstrap.min.css "$out/"
cp node_modules/bootstrap/LICENSE "$out/bootstrap.LICENSE"
cp node_modules/htmx.org/dist/htmx.min.js "$out/"
cp node_modules/htmx.org/LICENSE "$out/htmx.LICENSE"
cp node_modules/echarts/dist/echarts.min.js "$out/"
cp node_modules/echarts/LICENSE "$out/echarts.LICENSE"
cp node_modules/echarts/NOTICE "$out/echarts.NOTICE"
ls -l "$out"
