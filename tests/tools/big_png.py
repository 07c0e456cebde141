"""A large PNG, written row by row (no picture held in memory): `big_png.py FILE WIDTH HEIGHT
DEPTH COLOR` (depth 8 or 16; color 0 gray, 2 RGB). Its rows repeat: small on disk, large decoded."""
import sys, zlib, struct
def png(path, w, h, depth, color):  # color: 0 gray, 2 rgb
    ch = {0: 1, 2: 3}[color] * depth // 8
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    c = zlib.compressobj(6)
    out = [b"\x89PNG\r\n\x1a\n", chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, color, 0, 0, 0))]
    idat = []
    row = b"\x00" + bytes((i * 7 + 40) % 256 for i in range(w * ch))
    for y in range(h):
        idat.append(c.compress(row))
    idat.append(c.flush())
    out.append(chunk(b"IDAT", b"".join(idat)))
    out.append(chunk(b"IEND", b""))
    open(path, "wb").write(b"".join(out))
png(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
