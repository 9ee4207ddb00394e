// The compiled half of the test-only CIM stand-ins (HvrFakeCimCmdlets.psm1): the wire to the loopback endpoint, and
// the conversions between its JSON and objects shaped like CIM instances. The real CimCmdlets are compiled too; in
// script, these loops cost a new PowerShell process about half a second of CPU before PowerShell compiled them, in
// every bridge a test starts. build.ps1 compiles this file; the module loads the build named after this file's hash.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Net.Http;
using System.Text;
using System.Text.Json;

namespace HvrFakeCim
{
    // Stands in for Microsoft.Management.Infrastructure.CimException, which needs the native MI library Linux lacks:
    // the same numeric fields, and only a message in whatever language the host speaks.
    public class HvrFakeCimException : Exception
    {
        public HvrFakeCimException(string message, long nativeErrorCode, uint statusCode) : base(message)
        {
            NativeErrorCode = nativeErrorCode;
            StatusCode = statusCode;
        }

        public long NativeErrorCode { get; set; }
        public uint StatusCode { get; set; }
    }

    // A CimProperty's shape.
    public class HvrFakeProperty
    {
        public string Name { get; set; }
        public object Value { get; set; }
        public string CimType { get; set; }
        public string Flags { get; set; }
    }

    public static class Wire
    {
        private static readonly HttpClient Client = new HttpClient();
        private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

        // Posts a request and returns the endpoint's envelope ({ok, data} or {ok: false, error}) as ordered
        // dictionaries, lists as object[], whole numbers as long: what ConvertFrom-Json -AsHashtable gives.
        public static IDictionary Post(string url, IDictionary body)
        {
            var json = JsonSerializer.Serialize(ToWire(body));
            using var content = new StringContent(json, Encoding.UTF8, "application/json");
            using var response = Client.PostAsync(url, content).GetAwaiter().GetResult();
            var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            using var document = JsonDocument.Parse(text);
            return (IDictionary)FromJson(document.RootElement);
        }

        private static object FromJson(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    var map = new OrderedHashtable();
                    foreach (var property in element.EnumerateObject()) map[property.Name] = FromJson(property.Value);
                    return map;
                case JsonValueKind.Array:
                    var list = new List<object>();
                    foreach (var item in element.EnumerateArray()) list.Add(FromJson(item));
                    return list.ToArray();
                case JsonValueKind.String:
                    return element.GetString();
                case JsonValueKind.Number:
                    return element.TryGetInt64(out var whole) ? whole : element.GetDouble();
                case JsonValueKind.True:
                    return true;
                case JsonValueKind.False:
                    return false;
                default:
                    return null;
            }
        }

        private static object Unwrap(object value) => value is PSObject wrapped ? wrapped.BaseObject : value;

        private static bool IsInstance(object value) =>
            value is PSObject instance && instance.Properties["CimInstanceProperties"] != null;

        // A value as the endpoint takes it: an instance as a reference {className, keys}, small integers as long.
        private static object ToWire(object value)
        {
            if (IsInstance(value)) return ToRef((PSObject)value);
            value = Unwrap(value);
            switch (value)
            {
                case null:
                    return null;
                case IDictionary map:
                    var copy = new Dictionary<string, object>();
                    foreach (DictionaryEntry entry in map) copy[Convert.ToString(entry.Key, Invariant)] = ToWire(entry.Value);
                    return copy;
                case string text:
                    return text;
                case IEnumerable items:
                    var list = new List<object>();
                    foreach (var item in items) list.Add(ToWire(item));
                    return list;
                case ushort or uint or int:
                    return Convert.ToInt64(value, Invariant);
                default:
                    return value;
            }
        }

        // A fake instance as a reference {className, keys} for the endpoint.
        private static IDictionary ToRef(PSObject instance)
        {
            var keys = new Dictionary<string, object>();
            foreach (var item in (IEnumerable)Unwrap(instance.Properties["CimInstanceProperties"].Value))
            {
                var property = (HvrFakeProperty)Unwrap(item);
                if (property.Flags.Contains("Key")) keys[property.Name] = ToWire(property.Value);
            }
            var system = (PSObject)instance.Properties["CimSystemProperties"].Value;
            return new Dictionary<string, object> { ["className"] = system.Properties["ClassName"].Value, ["keys"] = keys };
        }

        // An instance from the endpoint's {className, properties: [{name, value, cimType, key}]}, read from
        // `ns`, as real CIM remembers where an instance came from (a method call on it goes there).
        public static PSObject Instance(IDictionary wire, bool keysOnly, string ns)
        {
            var properties = new List<object>();
            foreach (var item in (IEnumerable)wire["properties"])
            {
                var p = (IDictionary)item;
                var type = (string)p["cimType"];
                properties.Add(new HvrFakeProperty
                {
                    Name = (string)p["name"],
                    // Strings and booleans arrive as they are.
                    Value = type == "String" || type == "Boolean" ? p["value"] : FromValue(p["value"], type),
                    CimType = type,
                    Flags = p["key"] is true ? "Property, Key" : "Property",
                });
            }
            var className = (string)wire["className"];
            // Like real CIM, a key-only instance (an out REF) has system properties but no class declaration.
            var result = new PSObject();
            result.Properties.Add(new PSNoteProperty("CimClass", keysOnly ? null : Note("CimClassName", className)));
            var system = Note("ClassName", className);
            system.Properties.Add(new PSNoteProperty("Namespace", string.IsNullOrEmpty(ns) ? "root/HyperVCluster/v2" : ns));
            result.Properties.Add(new PSNoteProperty("CimSystemProperties", system));
            result.Properties.Add(new PSNoteProperty("CimInstanceProperties", properties.ToArray()));
            return result;
        }

        private static PSObject Note(string name, object value)
        {
            var note = new PSObject();
            note.Properties.Add(new PSNoteProperty(name, value));
            return note;
        }

        // An out REF ({className, keys}) comes back with only its key properties filled, as from real CIM.
        public static PSObject RefInstance(IDictionary reference)
        {
            var properties = new List<object>();
            foreach (DictionaryEntry key in (IDictionary)reference["keys"])
            {
                var cimType = key.Value is string ? "String" : "UInt32";
                properties.Add(new Hashtable { ["name"] = key.Key, ["value"] = key.Value, ["cimType"] = cimType, ["key"] = true });
            }
            return Instance(new Hashtable { ["className"] = reference["className"], ["properties"] = properties }, true, null);
        }

        // A wire value as a .NET value of its CIM type (UInt16, UInt64, DateTime, TimeSpan, ...).
        private static object FromValue(object value, string cimType)
        {
            if (value == null) return null;
            if (cimType.EndsWith("Array", StringComparison.Ordinal))
            {
                var items = (object[])value;
                if (cimType == "UInt16Array") return Array.ConvertAll(items, i => As<ushort>(i));
                return Array.ConvertAll(items, i => As<string>(i));
            }
            switch (cimType)
            {
                case "UInt16": return As<ushort>(value);
                case "UInt32": return As<uint>(value);
                case "UInt64": return ulong.Parse(Convert.ToString(value, Invariant), Invariant);
                case "SInt64": return long.Parse(Convert.ToString(value, Invariant), Invariant);
                case "Boolean": return LanguagePrimitives.IsTrue(value);
                case "DateTime": return FromDateTime((string)value);
                case "Reference": return RefInstance((IDictionary)value);
                default: return value;
            }
        }

        // A PowerShell cast ([uint16]$value), as the script version of these conversions made.
        private static T As<T>(object value) => (T)LanguagePrimitives.ConvertTo(value, typeof(T), Invariant);

        // A CIM datetime: yyyymmddHHMMSS.mmmmmm+UUU, or an interval ddddddddHHMMSS.mmmmmm:000.
        private static object FromDateTime(string text)
        {
            var micros = long.Parse(text.Substring(15, 6), Invariant);
            if (text.EndsWith(":000", StringComparison.Ordinal))
            {
                var span = new TimeSpan(int.Parse(text.Substring(0, 8), Invariant), int.Parse(text.Substring(8, 2), Invariant),
                    int.Parse(text.Substring(10, 2), Invariant), int.Parse(text.Substring(12, 2), Invariant));
                return span.Add(TimeSpan.FromTicks(micros * 10));
            }
            var styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
            var time = DateTime.ParseExact(text.Substring(0, 14), "yyyyMMddHHmmss", Invariant, styles);
            var offset = int.Parse(text.Substring(22, 3), Invariant);
            if (text[21] == '-') offset = -offset;
            return time.AddTicks(micros * 10).AddMinutes(-offset);
        }

        // Reads back what the bridge writes: conditions `Name = 'text' | number | TRUE | FALSE` joined with AND,
        // optionally in parentheses, and such groups joined with OR; \' and \\ escapes. One filter per OR'd group.
        public static IDictionary[] Wql(string wql)
        {
            var groups = new List<IDictionary>();
            var filter = new OrderedHashtable();
            int i = 0, n = wql.Length;
            while (i < n)
            {
                while (i < n && (wql[i] == ' ' || wql[i] == '(')) i++;
                var start = i;
                while (i < n && (char.IsAsciiLetterOrDigit(wql[i]) || wql[i] == '_')) i++;
                var name = wql.Substring(start, i - start);
                while (i < n && wql[i] == ' ') i++;
                if (i >= n || wql[i] != '=') throw new FormatException("unsupported WQL: " + wql);
                i++;
                while (i < n && wql[i] == ' ') i++;
                filter[name] = WqlValue(wql, ref i);
                while (i < n && (wql[i] == ' ' || wql[i] == ')')) i++;
                if (i >= n) break;
                if (string.Compare(wql, i, "AND", 0, 3, StringComparison.OrdinalIgnoreCase) == 0) { i += 3; continue; }
                if (string.Compare(wql, i, "OR", 0, 2, StringComparison.OrdinalIgnoreCase) != 0) throw new FormatException("unsupported WQL: " + wql);
                i += 2;
                groups.Add(filter);
                filter = new OrderedHashtable();
            }
            groups.Add(filter);
            return groups.ToArray();
        }

        private static object WqlValue(string wql, ref int i)
        {
            if (i < wql.Length && wql[i] == '\'')
            {
                i++;
                var text = new StringBuilder();
                while (wql[i] != '\'')
                {
                    if (wql[i] == '\\') i++;
                    text.Append(wql[i]);
                    i++;
                }
                i++;
                return text.ToString();
            }
            var start = i;
            while (i < wql.Length && wql[i] != ' ' && wql[i] != ')') i++;
            var token = wql.Substring(start, i - start);
            // PowerShell's -eq, which the script version of this parser used, ignores case.
            if (token.Equals("TRUE", StringComparison.OrdinalIgnoreCase)) return true;
            if (token.Equals("FALSE", StringComparison.OrdinalIgnoreCase)) return false;
            return long.Parse(token, Invariant);
        }
    }
}
