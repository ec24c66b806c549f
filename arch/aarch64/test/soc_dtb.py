#!/usr/bin/env python3
"""A device tree with a bus, for boot_test.py: QEMU virt's own (dumpdtb=IN) with its PL011 and
GIC moved under a new /soc whose `ranges` map bus 0x7e000000 to CPU 0x08000000 (32 MB), their
`reg` in bus addresses of one cell each, as a Raspberry Pi's tree puts its devices; the kernel
must translate them back (fdt.cpp).   usage: soc_dtb.py IN.dtb OUT.dtb"""
import struct, sys
data = open(sys.argv[1], 'rb').read()
magic, total, off_struct, off_strings, off_rsv, ver, lastc, bootcpu, size_strings, size_struct = struct.unpack('>10I', data[:40])
strings = data[off_strings:off_strings + size_strings]
def sname(off): return strings[off:strings.index(b'\0', off)].decode()
p = off_struct
def u32():
    global p
    v = struct.unpack('>I', data[p:p+4])[0]; p += 4; return v
def node():
    global p
    name = data[p:data.index(b'\0', p)].decode(); p += (len(name) + 4) & ~3
    props, kids = [], []
    while True:
        t = u32()
        if t == 3:
            ln, no = u32(), u32(); props.append([sname(no), data[p:p+ln]]); p += (ln + 3) & ~3
        elif t == 1: kids.append(node())
        elif t == 2: return [name, props, kids]
        elif t == 4: pass
        else: raise SystemExit('bad token %d' % t)
assert u32() == 1
root = node()
def prop(n, k):
    for pr in n[1]:
        if pr[0] == k: return pr
soc = ['soc', [['compatible', b'simple-bus\0'], ['#address-cells', struct.pack('>I', 1)],
               ['#size-cells', struct.pack('>I', 1)],
               ['ranges', struct.pack('>IIII', 0x7e000000, 0, 0x08000000, 0x02000000)]], []]
keep = []
for k in root[2]:
    c = prop(k, 'compatible')
    if c and (b'arm,pl011' in c[1] or b'arm,cortex-a15-gic' in c[1] or b'arm,gic-v3' in c[1]):
        r = prop(k, 'reg'); vals = struct.unpack('>%dQ' % (len(r[1]) // 8), r[1])   # 2+2 cells
        new = []
        for i in range(0, len(vals), 2): new += [vals[i] - 0x08000000 + 0x7e000000, vals[i + 1]]
        r[1] = struct.pack('>%dI' % len(new), *new)
        k[0] = k[0].split('@')[0] + '@%x' % new[0]
        # its own children (the GIC's its/v2m) keep addresses of their own: drop them
        k[2] = []; k[1] = [pr for pr in k[1] if pr[0] not in ('ranges', '#address-cells', '#size-cells')]
        soc[2].append(k)
    else:
        keep.append(k)
root[2] = keep + [soc]
strtab, offs = b'', {}
def soff(s):
    global strtab
    if s not in offs: offs[s] = len(strtab); strtab += s.encode() + b'\0'
    return offs[s]
out = b''
def emit(n):
    global out
    nm = n[0].encode() + b'\0'; out += struct.pack('>I', 1) + nm + b'\0' * ((4 - len(nm) % 4) % 4)
    for k, v in n[1]:
        out += struct.pack('>III', 3, len(v), soff(k)) + v + b'\0' * ((4 - len(v) % 4) % 4)
    for c in n[2]: emit(c)
    out += struct.pack('>I', 2)
emit(root); out += struct.pack('>I', 9)
rsv = struct.pack('>QQ', 0, 0)
off_rsv = 40; off_struct = off_rsv + len(rsv); off_strings = off_struct + len(out)
total = off_strings + len(strtab)
hdr = struct.pack('>10I', 0xd00dfeed, total, off_struct, off_strings, off_rsv, 17, 16, 0, len(strtab), len(out))
open(sys.argv[2], 'wb').write(hdr + rsv + out + strtab)
print('soc children:', [k[0] for k in soc[2]])
