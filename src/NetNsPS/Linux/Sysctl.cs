using System.IO;

namespace NetNsPS.Linux;

/// <summary>Kernel parameters: read from /proc/sys (this process's network namespace), written with `sysctl -w`.</summary>
public static class Sysctl
{
    public const string IpForward = "net.ipv4.ip_forward";
    public const string BridgeNfCallIptables = "net.bridge.bridge-nf-call-iptables";
    public const string PersistFile = "/etc/sysctl.d/99-netnsps.conf";
    public const string PersistHeader = "# Written by NetNsPS (Enable-IpForward -Persist); Disable-IpForward removes it.";

    /// <summary>route_localnet of one interface; the slash form keeps a '.' in the interface name from splitting the key.</summary>
    public static string RouteLocalnet(string device) =>
        device.Contains('.') ? $"net/ipv4/conf/{device}/route_localnet" : $"net.ipv4.conf.{device}.route_localnet";

    public static string ProcPath(string key) =>
        "/proc/sys/" + (key.Contains('/') ? key : key.Replace('.', '/'));

    /// <summary>The current value, or null when the parameter does not exist (module not loaded, no such interface).</summary>
    public static string? Read(string key)
    {
        try
        {
            return File.ReadAllText(ProcPath(key)).Trim();
        }
        catch (IOException)
        {
            return null;
        }
        catch (System.UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static CommandSpec Write(string key, string value) => new("sysctl", "-w", $"{key}={value}");

    /// <summary>Whether br_netfilter is loaded (built in or as a module): its sysctls exist only then.</summary>
    public static bool BridgeNetfilterLoaded => Directory.Exists("/proc/sys/net/bridge");

    public static CommandSpec LoadBridgeNetfilter() => new("modprobe", "br_netfilter");

    /// <summary>Writes the persistent file through tee, so -WhatIf shows a command a user can paste.</summary>
    public static CommandSpec WritePersistFile() => new("tee", new[] { PersistFile }, $"{PersistHeader}\n{IpForward}=1\n");

    public static CommandSpec RemovePersistFile() => new("rm", "-f", PersistFile);

    /// <summary>True when the persistent file exists and is the one NetNsPS wrote (never remove someone else's).</summary>
    public static bool PersistFileIsOurs() =>
        File.Exists(PersistFile) && File.ReadAllText(PersistFile).StartsWith(PersistHeader, System.StringComparison.Ordinal);
}
