-- Parley over TCP: a Wireshark / tshark dissector for the frame layer of protocol-spec/SPEC.md
-- (§3 frame header, §4 REQUEST and NOTIFICATION meta). Licence: Apache-2.0.
--
-- Load it:  tshark -X lua_script:protocol-spec/wireshark/parley.lua -r capture.pcap -Y parley
--      or:  copy it to ~/.local/lib/wireshark/plugins/ (Wireshark: Help > About > Folders).
-- Frames are found on any TCP port by their magic (FA 50 52 4C, heuristic dissector) and on the
-- port set in Preferences > Protocols > PARLEY (0 = heuristic only). Frames split across TCP
-- segments are reassembled (enable "Allow subdissector to reassemble TCP streams").

local parley = Proto("parley", "Parley IPC")

local HEADER = 24
local MAGIC = 0xFA50524C

local kinds = {
    [0x01] = "HELLO", [0x02] = "REQUEST", [0x03] = "RESPONSE", [0x04] = "ERROR",
    [0x05] = "NOTIFICATION", [0x06] = "PROGRESS", [0x07] = "CANCEL", [0x08] = "PING",
    [0x09] = "PONG", [0x0A] = "GOODBYE",
}
local codecs = { [0] = "raw", [1] = "json", [2] = "kryo", [3] = "php-serialize" }
local compressions = { [0] = "none", [1] = "deflate", [2] = "zstd" }

local f = parley.fields
f.magic = ProtoField.uint32("parley.magic", "Magic", base.HEX)
f.version = ProtoField.uint8("parley.version", "Version", base.DEC)
f.kind = ProtoField.uint8("parley.kind", "Kind", base.HEX, kinds)
f.flags = ProtoField.uint16("parley.flags", "Flags", base.HEX)
f.flag_more = ProtoField.bool("parley.flags.more", "MORE", 16, nil, 0x0001)
f.flag_cont = ProtoField.bool("parley.flags.continuation", "CONTINUATION", 16, nil, 0x0002)
f.flag_progress = ProtoField.bool("parley.flags.want_progress", "WANT_PROGRESS", 16, nil, 0x0004)
f.id = ProtoField.uint32("parley.id", "Id", base.DEC)
f.meta_len = ProtoField.uint16("parley.meta_len", "Meta length", base.DEC)
f.codec = ProtoField.uint8("parley.codec", "Codec", base.DEC, codecs)
f.compression = ProtoField.uint8("parley.compression", "Compression", base.DEC, compressions)
f.body_len = ProtoField.uint32("parley.body_len", "Body length", base.DEC)
f.crc = ProtoField.uint32("parley.header_crc", "Header CRC32C", base.HEX)
f.meta = ProtoField.bytes("parley.meta", "Meta")
f.timeout = ProtoField.uint32("parley.timeout_ms", "Timeout (ms, 0 = none)", base.DEC)
f.method = ProtoField.string("parley.method", "Method")
f.body = ProtoField.bytes("parley.body", "Body")
f.body_text = ProtoField.string("parley.body_text", "Body (text)")

local pref_port = 0
parley.prefs.port = Pref.uint("TCP port", 0, "A TCP port that carries Parley (0: find frames by their magic only)")

local function frame_length(tvb, pinfo, offset)
    return HEADER + tvb(offset + 12, 2):uint() + tvb(offset + 16, 4):uint()
end

local function dissect_frame(tvb, pinfo, tree)
    local kind = tvb(5, 1):uint()
    local kind_name = kinds[kind] or string.format("UNKNOWN(0x%02x)", kind)
    local id = tvb(8, 4):uint()
    local meta_len = tvb(12, 2):uint()
    local body_len = tvb(16, 4):uint()
    pinfo.cols.protocol = "Parley"
    local summary = kind_name .. " id=" .. id
    local t = tree:add(parley, tvb(), "Parley " .. summary)
    t:add(f.magic, tvb(0, 4))
    t:add(f.version, tvb(4, 1))
    t:add(f.kind, tvb(5, 1))
    local ft = t:add(f.flags, tvb(6, 2))
    ft:add(f.flag_more, tvb(6, 2))
    ft:add(f.flag_cont, tvb(6, 2))
    ft:add(f.flag_progress, tvb(6, 2))
    t:add(f.id, tvb(8, 4))
    t:add(f.meta_len, tvb(12, 2))
    t:add(f.codec, tvb(14, 1))
    t:add(f.compression, tvb(15, 1))
    t:add(f.body_len, tvb(16, 4))
    t:add(f.crc, tvb(20, 4))
    local continuation = bit.band(tvb(6, 2):uint(), 0x0002) ~= 0
    if meta_len > 0 then
        local mt = t:add(f.meta, tvb(HEADER, meta_len))
        if kind == 0x02 and not continuation and meta_len >= 5 then
            mt:add(f.timeout, tvb(HEADER, 4))
            mt:add(f.method, tvb(HEADER + 4, meta_len - 4))
            summary = summary .. " " .. tvb(HEADER + 4, meta_len - 4):string()
        elseif kind == 0x05 and not continuation then
            mt:add(f.method, tvb(HEADER, meta_len))
            summary = summary .. " " .. tvb(HEADER, meta_len):string()
        end
    end
    if body_len > 0 then
        local b = tvb(HEADER + meta_len, body_len)
        t:add(f.body, b)
        if tvb(14, 1):uint() == 1 and tvb(15, 1):uint() == 0 then t:add(f.body_text, b) end
    end
    t:append_text(" (" .. summary .. ")")
    pinfo.cols.info:append(summary .. "; ")
    return HEADER + meta_len + body_len
end

function parley.dissector(tvb, pinfo, tree)
    pinfo.cols.info:clear()
    dissect_tcp_pdus(tvb, tree, HEADER, frame_length, dissect_frame)
    return tvb:len()
end

local function heuristic(tvb, pinfo, tree)
    if tvb:len() < HEADER or tvb(0, 4):uint() ~= MAGIC or tvb(4, 1):uint() ~= 1 then return false end
    pinfo.conversation = parley
    parley.dissector(tvb, pinfo, tree)
    return true
end

parley:register_heuristic("tcp", heuristic)

function parley.prefs_changed()
    local tcp = DissectorTable.get("tcp.port")
    if pref_port ~= 0 then tcp:remove(pref_port, parley) end
    pref_port = parley.prefs.port
    if pref_port ~= 0 then tcp:add(pref_port, parley) end
end
