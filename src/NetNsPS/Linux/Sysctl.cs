using System;
using System.IO;
using System.Text;
using NetNsPS.Linux.Netlink;

namespace NetNsPS.Linux;

/// <summary>
/// Kernel parameters: read from /proc/sys (this process's network namespace), written as `sysctl -w` (what -WhatIf and
/// -Verbose show), which the netlink backend does in-process by writing /proc/sys itself, in sysctl's words when it fails.
/// </summary>
public static class Sysctl
{
    public const string IpForward = "net.ipv4.ip_forward";
    public const string Ipv6Forward = "net.ipv6.conf.all.forwarding";
    public const string Ipv6PersistFile = "/etc/sysctl.d/99-netnsps-ipv6.conf";
    public const string BridgeNfCallIptables = "net.bridge.bridge-nf-call-iptables";
    public const string BridgeNfCallIp6tables = "net.bridge.bridge-nf-call-ip6tables";

    /// <summary>Both families' bridge netfilter switches: bridged IPv4, then IPv6, passes the firewall only when its own is 1.</summary>
    public static readonly string[] BridgeNfCalls = { BridgeNfCallIptables, BridgeNfCallIp6tables };
    public const string PersistFile = "/etc/sysctl.d/99-netnsps.conf";
    public const string PersistHeader = "# Written by NetNsPS (Enable-IpForward -Persist); Disable-IpForward removes it.";

    /// <summary>route_localnet of one interface; the slash form keeps a '.' in the interface name from splitting the key.</summary>
    public static string RouteLocalnet(string device) =>
        device.Contains('.') ? $"net/ipv4/conf/{device}/route_localnet" : $"net.ipv4.conf.{device}.route_localnet";

    /// <summary>accept_ra of one interface: 1 accepts router advertisements only while the host does not forward, 2 even then.</summary>
    public static string AcceptRa(string device) =>
        device.Contains('.') ? $"net/ipv6/conf/{device}/accept_ra" : $"net.ipv6.conf.{device}.accept_ra";

    /// <summary>The forwarding switch of a family: net.ipv4.ip_forward or net.ipv6.conf.all.forwarding.</summary>
    public static string ForwardKey(System.Net.Sockets.AddressFamily family) =>
        family == System.Net.Sockets.AddressFamily.InterNetworkV6 ? Ipv6Forward : IpForward;

    /// <summary>Where Enable-IpForward -Persist writes a family's setting: one file per family, so each is removed on its own.</summary>
    public static string PersistFileOf(System.Net.Sockets.AddressFamily family) =>
        family == System.Net.Sockets.AddressFamily.InterNetworkV6 ? Ipv6PersistFile : PersistFile;

    /// <summary>The file of a key, as sysctl finds it: the first separator decides, a '.' key has '.' and '/' swapped.</summary>
    public static string ProcPath(string key) => "/proc/sys/" + SlashDot(key, '.', '/');

    /// <summary>The key as sysctl prints it: dotted (a '/' key has '/' and '.' swapped).</summary>
    public static string DisplayName(string key) => SlashDot(key, '/', '.');

    /// <summary>procps' slashdot(): when the first separator is <paramref name="from"/>, every '.' and '/' swap; else nothing changes.</summary>
    private static string SlashDot(string key, char from, char to)
    {
        var first = key.IndexOfAny(new[] { '.', '/' });
        if (first < 0 || key[first] == to)
        {
            return key;
        }
        var sb = new StringBuilder(key.Length);
        foreach (var c in key)
        {
            sb.Append(c == from ? to : c == to ? from : c);
        }
        return sb.ToString();
    }

    /// <summary>The current value, or null when the parameter does not exist (module not loaded, no such interface).</summary>
    public static string? Read(string key)
    {
        try
        {
            // One open and one read of a few bytes: every publish reads several.
            using var handle = File.OpenHandle(ProcPath(key), FileMode.Open, FileAccess.Read);
            Span<byte> buffer = stackalloc byte[512];
            var length = RandomAccess.Read(handle, buffer, 0);
            return length < buffer.Length ? System.Text.Encoding.UTF8.GetString(buffer[..length]).Trim() : File.ReadAllText(ProcPath(key)).Trim();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The current value inside a named namespace (null: the host), or null when the parameter does not exist there. /proc/sys/net
    /// shows the network namespace of the thread that reads it, so the read runs on a thread of its own that enters the namespace.
    /// </summary>
    public static string? Read(string? ns, string key) =>
        ns is null ? Read(key) : NamedNamespaces.OnOwnThread(() => NamespaceEntry.CreateInside(ns, () => Read(key)));

    /// <summary>
    /// `sysctl -w key=value` inside a named namespace (null: the host): `ip netns exec NS sysctl -w key=value`; natively the
    /// value is written to /proc/sys from a thread of our own inside the namespace, without starting a program.
    /// </summary>
    public static CommandSpec Write(string? ns, string key, string value) => ns is null
        ? Write(key, value)
        : new CommandSpec("ip", "netns", "exec", ns, "sysctl", "-w", $"{key}={value}")
        {
            Native = _ => NamedNamespaces.OnOwnThread(() => NamespaceEntry.CreateInside(ns, () =>
            {
                WriteProc(key, value);
                return true;
            })),
        };

    /// <summary>`sysctl -w key=value`; natively, the value is written to /proc/sys without starting sysctl.</summary>
    public static CommandSpec Write(string key, string value) =>
        new CommandSpec("sysctl", "-w", $"{key}={value}") { Native = _ => WriteProc(key, value) };

    /// <summary>
    /// What `sysctl -w key=value` does (procps-ng 4), in-process: the value and a newline written to the key's file under
    /// /proc/sys of the calling thread's network namespace, a refusal reported in sysctl's words.
    /// </summary>
    internal static void WriteProc(string key, string value)
    {
        var path = ProcPath(key);
        var name = DisplayName(key);
        if (NetlinkNative.Access(path, Uapi.F_OK) != 0)
        {
            throw new NativeCommandException($"sysctl: cannot stat {path}: {Libc.ErrorText(Libc.LastError)}");
        }
        // Like sysctl: a directory, or a file without the owner's write bit, is refused before opening.
        if (Directory.Exists(path) || (OperatingSystem.IsLinux() && (File.GetUnixFileMode(path) & UnixFileMode.UserWrite) == 0))
        {
            throw new NativeCommandException($"sysctl: setting key \"{name}\": {Libc.ErrorText(Uapi.EINVAL)}");
        }
        var fd = Libc.Open(path, Uapi.O_WRONLY | Uapi.O_CLOEXEC);
        if (fd < 0)
        {
            var errno = Libc.LastError;
            throw new NativeCommandException(errno switch
            {
                Libc.ENoEnt => $"sysctl: \"{name}\" is an unknown key",
                Libc.EPerm or Libc.EAcces or Uapi.EROFS => $"sysctl: permission denied on key \"{name}\"",
                _ => $"sysctl: setting key \"{name}\": {Libc.ErrorText(errno)}",
            });
        }
        using var file = new FileDescriptor(fd);
        var bytes = Encoding.UTF8.GetBytes(value + "\n");
        if (NetlinkNative.Write(file.Value, bytes, (nuint)bytes.Length) < 0)
        {
            throw new NativeCommandException($"sysctl: setting key \"{name}\": {Libc.ErrorText(Libc.LastError)}");
        }
    }

    /// <summary>Whether br_netfilter is loaded (built in or as a module): its sysctls exist only then.</summary>
    public static bool BridgeNetfilterLoaded => Directory.Exists("/proc/sys/net/bridge");

    public static CommandSpec LoadBridgeNetfilter() => new("modprobe", "br_netfilter");

    /// <summary>
    /// Writes the persistent file through tee, so -WhatIf shows a command a user can paste: IPv4's, or IPv6's with the
    /// accept_ra values set beside it (<paramref name="extra"/>, each "key=value").
    /// </summary>
    public static CommandSpec WritePersistFile(System.Net.Sockets.AddressFamily family = System.Net.Sockets.AddressFamily.InterNetwork, params string[] extra) =>
        new("tee", new[] { PersistFileOf(family) }, $"{PersistHeader}\n{ForwardKey(family)}=1\n" + string.Concat(System.Linq.Enumerable.Select(extra, e => e + "\n")));

    public static CommandSpec RemovePersistFile(System.Net.Sockets.AddressFamily family = System.Net.Sockets.AddressFamily.InterNetwork) =>
        new("rm", "-f", PersistFileOf(family));

    /// <summary>True when a family's persistent file exists and is the one NetNsPS wrote (never remove someone else's).</summary>
    public static bool PersistFileIsOurs(System.Net.Sockets.AddressFamily family = System.Net.Sockets.AddressFamily.InterNetwork) =>
        IsOurs(File.Exists(PersistFileOf(family)) ? File.ReadAllText(PersistFileOf(family)) : null);

    /// <summary>True when a persist file's text is the one NetNsPS writes.</summary>
    public static bool IsOurs(string? persistFileText) =>
        persistFileText is not null && persistFileText.StartsWith(PersistHeader, StringComparison.Ordinal);
}
