using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;

namespace NetNsPS.Linux;

/// <summary>A root qdisc as `tc -j qdisc show` reports it; Netem is set when it is a netem qdisc.</summary>
public sealed record QdiscRecord(string Device, string Kind, string Handle, NetemSettings? Netem)
{
    /// <summary>The kernel's own default (noqueue, pfifo_fast, fq_codel, mq, ...), which has handle 0: and which `tc qdisc del` cannot remove.</summary>
    public bool IsDefault => Handle == "0:";

    public bool IsNetem => Kind == "netem";
}

/// <summary>Builds tc(8) commands for a device's root qdisc and parses `tc -j` (a null namespace means the host).</summary>
public static class Tc
{
    private static CommandSpec Command(string? ns, params string[] args)
    {
        var all = new List<string>();
        if (ns is not null)
        {
            all.Add("-n");
            all.Add(ns);
        }
        all.AddRange(args);
        return new CommandSpec("tc", all);
    }

    /// <summary>`tc [-n NS] qdisc replace dev DEV root netem ...`: adds the netem qdisc, or changes the one there, in one step.</summary>
    public static CommandSpec ReplaceNetem(string? ns, string device, NetemSettings settings) =>
        Command(ns, new[] { "qdisc", "replace", "dev", device, "root", "netem" }.Concat(settings.Arguments()).ToArray());

    /// <summary>`tc [-n NS] qdisc del dev DEV root`: the device goes back to the kernel's default qdisc.</summary>
    public static CommandSpec DeleteRoot(string? ns, string device) => Command(ns, "qdisc", "del", "dev", device, "root");

    /// <summary>`tc -j [-n NS] qdisc show [dev DEV]`.</summary>
    public static CommandSpec Show(string? ns, string? device)
    {
        var spec = Command(ns, device is null ? new[] { "qdisc", "show" } : new[] { "qdisc", "show", "dev", device });
        return new CommandSpec("tc", new[] { "-j" }.Concat(spec.Arguments));
    }

    /// <summary>The root qdiscs in `tc -j qdisc show` output (a device's other qdiscs, ingress and children, are left out).</summary>
    public static List<QdiscRecord> ParseRootQdiscs(string json, string? device = null)
    {
        var result = new List<QdiscRecord>();
        foreach (var item in IpJson.Array(json))
        {
            if (IpJson.Bool(item, "root") != true)
            {
                continue;
            }
            var kind = IpJson.Str(item, "kind") ?? "";
            var dev = IpJson.Str(item, "dev") ?? device ?? "";
            var options = item.TryGetProperty("options", out var o) ? o : default;
            result.Add(new QdiscRecord(dev, kind, IpJson.Str(item, "handle") ?? "", kind == "netem" ? ParseNetem(options) : null));
        }
        return result;
    }

    /// <summary>
    /// netem's options as iproute2 (q_netem.c) prints them in JSON: delay and jitter in seconds, shares as fractions of 1,
    /// the rate in bytes per second; anything else it may print (reorder, corrupt, slot, loss models, ecn, gap) is noted.
    /// </summary>
    public static NetemSettings ParseNetem(JsonElement options)
    {
        double? Number(string obj, string name) =>
            options.ValueKind == JsonValueKind.Object && options.TryGetProperty(obj, out var o) && o.ValueKind == JsonValueKind.Object
            && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
        long? Micro(double? seconds) => seconds is { } s && s > 0 ? (long)Math.Round(s * 1e6) : null;
        double? Percent(double? fraction) => fraction is { } f && f > 0 ? Math.Round(f * 100, 6) : null;

        var delay = Micro(Number("delay", "delay"));
        var other = options.ValueKind == JsonValueKind.Object && (
            new[] { "reorder", "corrupt", "slot", "loss-state", "loss-gemodel" }.Any(k => options.TryGetProperty(k, out _))
            || IpJson.Bool(options, "ecn") == true
            || (options.TryGetProperty("gap", out var gap) && gap.ValueKind == JsonValueKind.Number && gap.GetDouble() != 0));
        return new NetemSettings(
            delay,
            delay is null ? null : Micro(Number("delay", "jitter")),
            Percent(Number("loss-random", "loss")),
            Percent(Number("duplicate", "duplicate")),
            Number("rate", "rate") is { } bytes && bytes > 0 ? (long)bytes * 8 : null)
        { HasOtherOptions = other };
    }

    /// <summary>tc's words when the kernel has no netem: the sch_netem module is neither built in nor loadable.</summary>
    public static bool IsUnknownQdiscKind(string errorText) => errorText.Contains("qdisc kind is unknown", StringComparison.OrdinalIgnoreCase);

    /// <summary>The error for a kernel without netem, with what to do.</summary>
    public static NetNsException NetemUnavailable(string? ns, string device) => new(
        $"This kernel has no netem qdisc (sch_netem, CONFIG_NET_SCH_NETEM), so '{device}' in {Errors.Where(ns)} cannot be shaped. Load it with 'modprobe sch_netem', or use a kernel built with it.",
        "NetemUnavailable", ErrorCategory.NotInstalled, device);
}
