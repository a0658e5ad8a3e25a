using System.Collections.Generic;

namespace NetNsPS.Linux;

/// <summary>Which Debian package ships each program the module runs, for "missing program" errors.</summary>
public static class DebianPackages
{
    private static readonly Dictionary<string, string> Map = new()
    {
        ["ip"] = "iproute2",
        ["bridge"] = "iproute2",
        ["tc"] = "iproute2",
        ["iptables"] = "iptables",
        ["iptables-save"] = "iptables",
        ["iptables-restore"] = "iptables",
        ["nft"] = "nftables",
        ["sysctl"] = "procps",
        ["modprobe"] = "kmod",
        ["unshare"] = "util-linux",
        ["mount"] = "mount",
        ["ping"] = "iputils-ping",
        ["curl"] = "curl",
        ["dot"] = "graphviz",
        ["firewall-cmd"] = "firewalld",
        ["dbus-send"] = "dbus-bin",
    };

    public static string For(string program) => Map.TryGetValue(program, out var package) ? package : program;
}
