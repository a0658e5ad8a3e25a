using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using NetNsPS.Linux;

namespace NetNsPS.Lab;

/// <summary>What a deployed lab owns, as its last deploy left it: its file's content, where the file was, and the host's ip_forward before the lab turned it on.</summary>
public sealed record LabRecord(LabSpec Spec, string Path, string? ForwardingBefore);

/// <summary>
/// The state files of deployed labs, /run/netnsps/labs/NAME.json (a tmpfs, like the rest of the module's state: a
/// reboot forgets labs as it forgets the namespaces). Written whole and renamed into place, so a reader never sees half.
/// </summary>
public static class LabStore
{
    public static string Directory { get; set; } = System.IO.Path.Combine(FirewallLock.Directory, "labs");

    public static string PathOf(string name) => System.IO.Path.Combine(Directory, name + ".json");

    public static LabRecord? Read(string name)
    {
        var path = PathOf(name);
        return File.Exists(path) ? Parse(File.ReadAllText(path), path) : null;
    }

    public static IReadOnlyList<LabRecord> ReadAll() => Names().Select(n => Read(n)).OfType<LabRecord>().ToList();

    public static void Write(LabRecord record)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = PathOf(record.Spec.Name);
        var text = ToJson(record);
        if (File.Exists(path) && File.ReadAllText(path) == text)
        {
            return;
        }
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    public static void Delete(string name) => File.Delete(PathOf(name));

    /// <summary>The names of the labs that have a state file.</summary>
    public static IReadOnlyList<string> Names() => !System.IO.Directory.Exists(Directory)
        ? Array.Empty<string>()
        : System.IO.Directory.GetFiles(Directory, "*.json").Select(f => System.IO.Path.GetFileNameWithoutExtension(f)).OrderBy(n => n, StringComparer.Ordinal).ToList();

    public static string ToJson(LabRecord record) => LabData.ToJson(new Hashtable
    {
        ["Path"] = record.Path,
        ["ForwardingBefore"] = record.ForwardingBefore,
        ["Lab"] = LabData.ToData(record.Spec),
    });

    public static LabRecord Parse(string json, string source)
    {
        try
        {
            if (LabData.FromJson(json) is not IDictionary top)
            {
                throw new FormatException("not a JSON object");
            }
            var spec = LabReader.Read(top["Lab"], source, out _);
            return new LabRecord(spec, top["Path"] as string ?? "", top["ForwardingBefore"] as string);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException)
        {
            throw new NetNsException($"The lab state file {source} cannot be read ({e.Message}); remove it if its lab is gone.",
                "InvalidLabState", ErrorCategory.InvalidData, source);
        }
    }
}
