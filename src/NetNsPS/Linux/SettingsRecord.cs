using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace NetNsPS.Linux;

/// <summary>A kernel setting NetNsPS found at <paramref name="Before"/> and left at <paramref name="Set"/>.</summary>
public sealed record SettingRecord(string Key, string Before, string Set);

/// <summary>
/// What NetNsPS set of the kernel's settings, and what each was before, so teardown puts back exactly that and leaves
/// alone what someone else changed since: one file per network namespace, as the lock, /run/netnsps/NETNS.settings,
/// a line "KEY BEFORE SET" per setting. /run is a tmpfs, like the settings themselves: both are gone after a reboot.
/// A record is kept until teardown forgets it, so a re-run never takes its own value for the earlier one.
/// </summary>
public static class SettingsRecords
{
    /// <summary>The file of the network namespace this process runs in.</summary>
    public static string FilePath => Path.Combine(FirewallLock.Directory, FirewallLock.NetnsId() + ".settings");

    /// <summary>The record of a setting; null when NetNsPS has not recorded it (or the file cannot be read).</summary>
    public static SettingRecord? Read(string key) => ReadAll().FirstOrDefault(r => r.Key == key);

    /// <summary>The file as last parsed, under its path, write time and length: a publish reads it on every call.</summary>
    private static Parsed? _parsed;

    private sealed record Parsed(string Path, System.DateTime Written, long Length, SettingRecord[] Records);

    private static List<SettingRecord> ReadAll()
    {
        var path = FilePath;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return new List<SettingRecord>();
            }
            // Every write is a new file moved into place, so a file of the same write time and length is the one parsed.
            if (_parsed is { } known && known.Path == path && known.Written == info.LastWriteTimeUtc && known.Length == info.Length)
            {
                return known.Records.ToList();
            }
            var records = File.ReadAllLines(path).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(f => f.Length == 3).Select(f => new SettingRecord(f[0], f[1], f[2])).ToArray();
            _parsed = new Parsed(path, info.LastWriteTimeUtc, info.Length, records);
            return records.ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new List<SettingRecord>();
        }
    }

    /// <summary>
    /// Records that NetNsPS found the setting at <paramref name="before"/> and set it. An earlier record of the key is
    /// kept while the value found is still the one it recorded setting (a re-run); one whose value someone changed
    /// since, or that belongs to an object gone and made again, is replaced.
    /// </summary>
    public static void Remember(string key, string before, string set) => Remember(new[] { new SettingRecord(key, before, set) });

    /// <summary>The same for several settings at once: one read of the file, and one write where anything changed.</summary>
    public static void Remember(IEnumerable<SettingRecord> found)
    {
        var all = ReadAll();
        var changed = false;
        foreach (var record in found)
        {
            if (all.Any(r => r.Key == record.Key && r.Set == record.Before))
            {
                continue;
            }
            all.RemoveAll(r => r.Key == record.Key);
            all.Add(record);
            changed = true;
        }
        if (changed)
        {
            Write(all);
        }
    }

    /// <summary>
    /// What bridge-nf-call-iptables (and, for IPv6 mappings, -ip6tables) was before NetNsPS set it, to record where it existed (br_netfilter loaded): a
    /// module NetNsPS loaded stays loaded, it is the whole machine's. Nothing when it did not exist.
    /// </summary>
    public static IEnumerable<SettingRecord> BridgeNetfilterFound(string? before, string? ipv6Before = null, bool ipv6 = false) =>
        (before is null ? Enumerable.Empty<SettingRecord>() : new[] { new SettingRecord(Sysctl.BridgeNfCallIptables, before, "1") })
        .Concat(ipv6 && ipv6Before is not null ? new[] { new SettingRecord(Sysctl.BridgeNfCallIp6tables, ipv6Before, "1") } : Enumerable.Empty<SettingRecord>());

    /// <summary>Forgets a setting's record (teardown has put it back, or found it changed by someone else).</summary>
    public static void Forget(string key)
    {
        var all = ReadAll();
        if (all.RemoveAll(r => r.Key == key) > 0)
        {
            Write(all);
        }
    }

    /// <summary>Replaces the file in one rename, so a reader side by side sees the old or the new, never half.</summary>
    private static void Write(List<SettingRecord> all)
    {
        try
        {
            Directory.CreateDirectory(FirewallLock.Directory);
            if (all.Count == 0)
            {
                File.Delete(FilePath);
                return;
            }
            var temp = FilePath + "." + Environment.ProcessId + ".tmp";
            File.WriteAllLines(temp, all.Select(r => $"{r.Key} {r.Before} {r.Set}"));
            File.Move(temp, FilePath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NetNsException($"Could not record NetNsPS's settings in {FilePath}: {e.Message}", "SettingsRecordFailed",
                System.Management.Automation.ErrorCategory.WriteError, FilePath);
        }
    }

    /// <summary>
    /// What teardown writes back: the recorded earlier value while NetNsPS's own is still in place; null to leave the
    /// setting (it was that way before NetNsPS, or someone changed it since); <paramref name="unrecorded"/> when
    /// nothing was recorded (a record lost, or a change older than records). Null too when it is that value already.
    /// </summary>
    public static string? PutBack(SettingRecord? record, string? current, string? unrecorded)
    {
        var target = record is null ? unrecorded : current == record.Set ? record.Before : null;
        return target is not null && target != current ? target : null;
    }
}
