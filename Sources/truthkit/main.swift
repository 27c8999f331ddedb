import TKGGUF
let f = try GGUFFile(path: CommandLine.arguments[1])
print(f.version, f.alignment, f.dataOffset, f.fileSize)
for (k, v) in f.metadata { print(k, v.type, v.rendered(maxItems: 5)) }
for t in f.tensors.prefix(15) { print(t.name, t.shape, t.type, t.fileOffset) }
