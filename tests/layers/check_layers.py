#!/usr/bin/env python3
"""Include rules of the engine's layers (issue 14): every `#include <countyscope/X/...>` in a layer's sources and
public headers must name the layer itself or one it may use, and each third-party library stays in the layer that
owns it. The rules are read from the table in docs/design.md ("Who may include whom"), so the document and the check
cannot drift apart.

    check_layers.py ROOT              # exit 1 and one line per broken rule
    check_layers.py ROOT --self-test  # the check must catch a planted violation of each kind
"""
import os
import re
import shutil
import sys
import tempfile

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)
ROW = re.compile(r'^\|\s*`([a-z_]+)/`\s*\|([^|]*)\|([^|]*)\|', re.M)


def read_rules(root):
    """Rows `| `layer/` | may include | third-party it owns |` of the table under '### Who may include whom'."""
    text = open(os.path.join(root, 'docs', 'design.md'), encoding='utf-8').read()
    start = text.find('### Who may include whom')
    if start < 0:
        sys.exit('check_layers: docs/design.md has no "### Who may include whom" table')
    end = text.find('\n#', start + 5)
    table = text[start:end if end > 0 else len(text)]
    allowed, owned = {}, {}
    for layer, may, libs in ROW.findall(table):
        names = re.findall(r'`([a-z_]+)/?`', may)
        allowed[layer] = set(names) | {layer}
        for lib in re.findall(r'`([^`]+)`', libs):
            owned.setdefault(lib, set()).add(layer)
    if not allowed:
        sys.exit('check_layers: the "Who may include whom" table in docs/design.md has no rows')
    return allowed, owned


def sources_of(root, layer):
    for base in (os.path.join(root, 'src', layer), os.path.join(root, 'include', 'countyscope', layer)):
        for d, _, files in os.walk(base):
            for f in sorted(files):
                if f.endswith(('.cpp', '.hpp', '.h')):
                    yield os.path.join(d, f)


def third_party_files(root):
    for top in ('src', 'include', 'apps', 'python'):
        for d, _, files in os.walk(os.path.join(root, top)):
            for f in sorted(files):
                if f.endswith(('.cpp', '.hpp', '.h')):
                    yield os.path.join(d, f)


def layer_of(root, path):
    rel = os.path.relpath(path, root).split(os.sep)
    if rel[0] == 'src' and len(rel) > 2:
        return rel[1]
    if rel[:2] == ['include', 'countyscope'] and len(rel) > 3:
        return rel[2]
    return rel[0]  # apps, python


def check(root):
    allowed, owned = read_rules(root)
    problems = []
    layers_on_disk = {d for d in os.listdir(os.path.join(root, 'src'))
                      if os.path.isdir(os.path.join(root, 'src', d))}
    for layer in sorted(layers_on_disk - set(allowed)):
        problems.append(f'src/{layer}/: a layer missing from the table in docs/design.md')
    for layer in sorted(allowed):
        for path in sources_of(root, layer):
            text = open(path, encoding='utf-8', errors='replace').read()
            for inc in INCLUDE.findall(text):
                m = re.match(r'countyscope/([a-z_]+)/', inc)
                if m and m.group(1) not in allowed[layer]:
                    problems.append(f'{os.path.relpath(path, root)}: includes <{inc}>, but {layer}/ may include only '
                                    + ', '.join(sorted(allowed[layer] - {layer})))
    for path in third_party_files(root):
        text = open(path, encoding='utf-8', errors='replace').read()
        layer = layer_of(root, path)
        for inc in INCLUDE.findall(text):
            for lib, owners in owned.items():
                if inc.startswith(lib) and layer not in owners:
                    problems.append(f'{os.path.relpath(path, root)}: includes <{inc}>, which only '
                                    + ', '.join(sorted(o + '/' for o in owners)) + ' may use')
    return problems


def self_test(root):
    """Copy the rules and plant one violation of each kind in an otherwise empty tree: each must be reported."""
    tmp = tempfile.mkdtemp(prefix='layers-')
    try:
        os.makedirs(os.path.join(tmp, 'docs'))
        shutil.copy(os.path.join(root, 'docs', 'design.md'), os.path.join(tmp, 'docs', 'design.md'))
        allowed, owned = read_rules(root)
        for layer in allowed:
            os.makedirs(os.path.join(tmp, 'src', layer), exist_ok=True)
        with open(os.path.join(tmp, 'src', 'network', 'bad.cpp'), 'w') as f:
            f.write('#include <countyscope/io/csv.hpp>\n#include <countyscope/network/ch.hpp>\n')
        lib = sorted(owned)[0]
        outsider = next(l for l in sorted(allowed) if l not in owned[lib])
        with open(os.path.join(tmp, 'src', outsider, 'bad3p.cpp'), 'w') as f:
            f.write(f'#include <{lib}/x.hpp>\n')
        os.makedirs(os.path.join(tmp, 'src', 'newlayer'))
        got = check(tmp)
        want = ['src/network/bad.cpp: includes <countyscope/io/csv.hpp>', f'src/{outsider}/bad3p.cpp: includes <{lib}',
                'src/newlayer/: a layer missing']
        missing = [w for w in want if not any(g.startswith(w) for g in got)]
        if missing or len(got) != 3:
            print('check_layers self-test failed; reported:', *got, 'expected:', *want, sep='\n  ')
            return 1
        print('check_layers self-test: the 3 planted violations were reported')
        return 0
    finally:
        shutil.rmtree(tmp)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.getcwd()
    if '--self-test' in sys.argv:
        return self_test(root)
    problems = check(root)
    for p in problems:
        print(p)
    if problems:
        print(f'{len(problems)} include(s) break the layer rules of docs/design.md ("Who may include whom")')
        return 1
    print('layer include rules hold')
    return 0


if __name__ == '__main__':
    sys.exit(main())
