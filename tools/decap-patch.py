#!/usr/bin/env python3
"""Applies the changes of vendor/decap-cms/PATCHED.md to the published bundle of Decap CMS:
the labels of required fields get « (obligatoire) », the optional ones nothing; the backend,
once made, is handed to the editor's own script (window.essSiteBackend), which checks a save
before it is sent to the forge. A change already made is left as it is.
Usage: python3 tools/decap-patch.py vendor/decap-cms/decap-cms.js"""
import sys

CHANGES = [
    ('children:i?Dn(Pn,{children:[a,Rn("span",{children:` (${o("editor.editorControl.field.optional")})`})]}):a',
     'children:i?a:Dn(Pn,{children:[a,Rn("span",{children:" (obligatoire)"})]})'),
    ('children:[a," ",i?` (${o("editor.editorControl.field.optional")})`:""]',
     'children:[a,i?"":" (obligatoire)"]'),
    ('const Uf=function(){let e;return t=>e||(e=zf(t))}()',
     'const Uf=function(){let e;return t=>e||(e=zf(t),window.essSiteBackend&&window.essSiteBackend(e),e)}()'),
]


def main(path):
    text = open(path, encoding="utf-8").read()
    for old, new in CHANGES:
        if text.count(new) == 1 and old not in text:
            continue
        if text.count(old) != 1:
            sys.exit(f"{path}: the label code to change is not found once: {old[:60]}…")
        text = text.replace(old, new)
    open(path, "w", encoding="utf-8").write(text)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "vendor/decap-cms/decap-cms.js")
