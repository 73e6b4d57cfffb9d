#!/usr/bin/env python3
"""Research tool (not run by tests): compare corpus bodies with the vendored OpenAPI document.

For each entry of SOURCES.toml, finds the operation's 2xx JSON response schema (following
$ref/allOf; for oneOf/anyOf the branch with the fewest differences) and reports
  missing <path>  a field in the schema's `required` list that the body lacks,
  extra <path>    a field the schema does not name (only where the schema lists properties),
  null <path>     null where the schema's type does not allow null.
Usage: python3 check_shapes.py [--json]
"""
import json, re, sys, pathlib, tomllib
import yaml

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DOC = yaml.safe_load(open(ROOT / 'workos-spec/open-api-spec.yaml'))


def operations():
    """our method name -> (METHOD, path, operation object); the method/path pairs come from the
    doc comments of workos-api/src/emitted/*.rs (which apply method-names.toml)."""
    emitted = {}
    for f in (ROOT / 'workos-api/src/emitted').glob('*.rs'):
        for m in re.finditer(r'`(GET|POST|PUT|PATCH|DELETE) ([^`]+)`.*?\*/\s*pub fn (\w+)\(', f.read_text(), re.S):
            emitted[m.group(3)] = (m.group(1), m.group(2))
    ops = {}
    for name, (meth, path) in emitted.items():
        op = DOC['paths'].get(path, {}).get(meth.lower())
        if op is not None:
            ops[name] = (meth, path, op)
    return ops


def resolve(s):
    while isinstance(s, dict) and '$ref' in s:
        ref = s['$ref']
        tgt = DOC
        for part in ref.lstrip('#/').split('/'):
            tgt = tgt[part]
        extra = {k: v for k, v in s.items() if k != '$ref'}
        s = {**tgt, **extra} if extra else tgt
    return s


def allows_null(s):
    s = resolve(s)
    t = s.get('type')
    if t == 'null' or (isinstance(t, list) and 'null' in t) or s.get('nullable'):
        return True
    if 'const' in s and s['const'] is None:
        return True
    if 'enum' in s and None in s['enum']:
        return True
    for k in ('oneOf', 'anyOf'):
        if any(allows_null(b) for b in s.get(k, [])):
            return True
    if 'allOf' in s:
        return all(allows_null(b) for b in s['allOf'])
    return not t and not any(k in s for k in ('properties', 'allOf', 'oneOf', 'anyOf', 'enum', 'const', 'items'))


def merged_object(s):
    """properties/required/additionalProperties of an object schema, merging allOf."""
    s = resolve(s)
    props, req, addl, has_props = {}, set(), s.get('additionalProperties'), 'properties' in s
    props.update(s.get('properties', {}))
    req.update(s.get('required', []))
    for b in s.get('allOf', []):
        p, r, a, h = merged_object(b)
        props.update(p); req |= r; has_props |= h
        if a is not None:
            addl = a
    return props, req, addl, has_props


def check(v, s, path, out):
    s = resolve(s)
    if v is None:
        if not allows_null(s):
            out.append(('null', path))
        return
    branches = s.get('oneOf') or s.get('anyOf')
    if branches:
        best = None
        for b in branches:
            if resolve(b).get('type') == 'null':
                continue
            o = []
            check(v, b, path, o)
            if best is None or len(o) < len(best):
                best = o
        if best is not None:
            out.extend(best)
        if 'allOf' not in s and 'properties' not in s:
            return
    if isinstance(v, dict):
        props, req, addl, has_props = merged_object(s)
        for k in sorted(req):
            if k not in v:
                out.append(('missing', f'{path}.{k}'))
        for k, x in v.items():
            if k in props:
                check(x, props[k], f'{path}.{k}', out)
            elif isinstance(addl, dict) and addl:
                check(x, addl, f'{path}.{k}', out)
            elif has_props and addl is not True and not isinstance(addl, dict):
                out.append(('extra', f'{path}.{k}'))
    elif isinstance(v, list):
        items = s.get('items')
        if items:
            for x in v:
                check(x, items, f'{path}[]', out)


def response_schema(op, status):
    resps = op.get('responses', {})
    r = resps.get(str(status)) or next((resps[c] for c in sorted(resps) if c.startswith('2') and 'content' in resps[c]), None)
    r = resolve(r) if r else None
    if not r or 'content' not in r:
        return None
    c = r['content']
    media = c.get('application/json') or next(iter(c.values()))
    return media.get('schema')


def main():
    ops = operations()
    src = tomllib.load(open(HERE / 'SOURCES.toml', 'rb'))['body']
    report = {}
    for b in src:
        body = json.load(open(HERE / 'bodies' / b['file']))
        op = ops.get(b['operation'])
        if op is None:
            report[b['file']] = ['no such operation']
            continue
        schema = response_schema(op[2], b['status'])
        if schema is None:
            report[b['file']] = ['no 2xx JSON schema in the document']
            continue
        out = []
        check(body, schema, '$', out)
        # collapse array duplicates
        seen, uniq = set(), []
        for kind, p in out:
            if (kind, p) not in seen:
                seen.add((kind, p)); uniq.append((kind, p))
        report[b['file']] = uniq
    if '--json' in sys.argv:
        json.dump({k: [list(x) if isinstance(x, tuple) else x for x in v] for k, v in report.items()}, sys.stdout, indent=1)
        return
    for f, out in report.items():
        if not out:
            continue
        if isinstance(out[0], str):
            print(f'{f}: {out[0]}')
            continue
        parts = []
        for kind in ('missing', 'extra', 'null'):
            ps = [p for k, p in out if k == kind]
            if ps:
                parts.append(f'{kind} ' + ', '.join(ps))
        print(f'{f}: ' + '; '.join(parts))


if __name__ == '__main__':
    main()
