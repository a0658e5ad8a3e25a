using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Linq;
using NetNsPS.Linux.Netlink;

namespace NetNsPS.Linux;

/// <summary>Builds iproute2 commands; a null namespace means the host (the namespace this process runs in).</summary>
public static class Ip
{
    public static CommandSpec Command(string? ns, params string[] args)
    {
        var all = new List<string>(args.Length + 2);
        if (ns is not null)
        {
            all.Add("-n");
            all.Add(ns);
        }
        all.AddRange(args);
        return new CommandSpec("ip", all);
    }

    /// <summary>
    /// iproute2 takes a keyword prefix for a keyword ("a" means "address"), so a name made only of
    /// lowercase letters goes behind an explicit "dev"/"name"; names such as veth-red read as in the article.
    /// </summary>
    private static string[] Device(string keyword, string name) =>
        name.All(c => c is (>= 'a' and <= 'z') or '_') ? new[] { keyword, name } : new[] { name };

    private static CommandSpec Link(string? ns, string verb, string keyword, string name, params string[] rest) =>
        Command(ns, new[] { "link", verb }.Concat(Device(keyword, name)).Concat(rest).ToArray());

    /// <summary>A program run inside a namespace: `ip netns exec NS ARGV...` (an argument array, no shell).</summary>
    public static CommandSpec Exec(string ns, IEnumerable<string> argv) => new("ip", new[] { "netns", "exec", ns }.Concat(argv));

    public static CommandSpec AddNamespace(string name) =>
        new("ip", "netns", "add", name) { Native = s => s.AddNamespace(name) };

    public static CommandSpec DeleteNamespace(string name) =>
        new("ip", "netns", "delete", name) { Native = s => s.DeleteNamespace(name) };

    public static CommandSpec AddBridge(string name) =>
        Link(null, "add", "name", name, "type", "bridge") with { Native = s => RtNetlink.AddLink(s.For(null), name, "bridge", null, null) };

    /// <summary>
    /// A veth pair created with <paramref name="name"/> already inside <paramref name="ns"/> and the peer on the host:
    /// what the article's `ip link add` + `ip link set NAME netns NS` do, in one step, with no half-built state
    /// between them and without the kernel's costly move of a device between namespaces.
    /// </summary>
    public static CommandSpec AddVethInNamespace(string name, string ns, string peer) => AddVeth(name, ns, peer, null);

    /// <summary>
    /// A veth pair created in one step with each end already where it belongs: <paramref name="name"/> in
    /// <paramref name="ns"/>, <paramref name="peer"/> in <paramref name="peerNs"/> (null: the host, for either end).
    /// `ip link add name A netns NS1 type veth peer name B netns NS2`; natively one RTM_NEWLINK with both namespaces.
    /// </summary>
    public static CommandSpec AddVeth(string name, string? ns, string peer, string? peerNs)
    {
        var args = new List<string>();
        if (ns is not null)
        {
            args.Add("netns");
            args.Add(ns);
        }
        args.AddRange(new[] { "type", "veth", "peer", "name", peer });
        if (peerNs is not null)
        {
            args.Add("netns");
            args.Add(peerNs);
        }
        return Link(null, "add", "name", name, args.ToArray()) with
        {
            Native = s => WithNamespaceFd(ns, fd => WithNamespaceFd(peerNs, peerFd => RtNetlink.AddLink(s.For(null), name, "veth", peer, fd, peerFd))),
        };
    }

    public static CommandSpec DeleteLink(string? ns, string name) =>
        Link(ns, "delete", "dev", name) with { Native = s => RtNetlink.DeleteLink(s.For(ns), name) };

    public static CommandSpec SetUp(string? ns, string name) =>
        Link(ns, "set", "dev", name, "up") with { Native = s => RtNetlink.SetUp(s.For(ns), name, true) };

    public static CommandSpec SetDown(string? ns, string name) =>
        Link(ns, "set", "dev", name, "down") with { Native = s => RtNetlink.SetUp(s.For(ns), name, false) };

    /// <summary>Moves a link into a named namespace, or (all digits) into the namespace of that process.</summary>
    public static CommandSpec MoveToNamespace(string? fromNs, string name, string toNs) =>
        Link(fromNs, "set", "dev", name, "netns", toNs) with
        {
            Native = s =>
            {
                if (toNs.All(char.IsAsciiDigit))
                {
                    RtNetlink.MoveToNamespace(s.For(fromNs), name, null, int.Parse(toNs, System.Globalization.CultureInfo.InvariantCulture));
                    return;
                }
                WithNamespaceFd(toNs, fd => RtNetlink.MoveToNamespace(s.For(fromNs), name, fd, null));
            },
        };

    /// <summary>Runs an action with an open file descriptor of a named namespace (null for none: the host), closing it after.</summary>
    private static void WithNamespaceFd(string? ns, Action<int?> action)
    {
        if (ns is null)
        {
            action(null);
            return;
        }
        var fd = Libc.Open(NetState.NamespacePath(ns), Libc.OReadOnly | Libc.OCloExec);
        if (fd < 0)
        {
            throw new NativeCommandException($"Cannot open network namespace \"{ns}\": {Libc.ErrorText(Libc.LastError)}");
        }
        using var target = new FileDescriptor(fd);
        action(target.Value);
    }

    public static CommandSpec SetAlias(string? ns, string name, string alias) =>
        Link(ns, "set", "dev", name, "alias", alias) with { Native = s => RtNetlink.SetAlias(s.For(ns), name, alias) };

    public static CommandSpec SetMacAddress(string name, string mac) =>
        Link(null, "set", "dev", name, "address", mac) with { Native = s => RtNetlink.SetMacAddress(s.For(null), name, mac) };

    public static CommandSpec SetMaster(string name, string bridge) =>
        Link(null, "set", "dev", name, "master", bridge) with { Native = s => RtNetlink.SetMaster(s.For(null), name, bridge) };

    public static CommandSpec SetNoMaster(string name) =>
        Link(null, "set", "dev", name, "nomaster") with { Native = s => RtNetlink.SetMaster(s.For(null), name, null) };

    public static CommandSpec SetHairpin(string port, bool on) =>
        Link(null, "set", "dev", port, "type", "bridge_slave", "hairpin", on ? "on" : "off") with { Native = s => RtNetlink.SetHairpin(s.For(null), port, on) };

    /// <summary>
    /// `ip addr add`. An IPv6 address is added with `nodad` (usable at once, as Docker and netavark add theirs) unless
    /// <paramref name="detectDuplicates"/> asks for duplicate address detection.
    /// </summary>
    public static CommandSpec AddAddress(string? ns, IpPrefix address, string device, bool detectDuplicates = false)
    {
        var noDad = !address.IsIpv4 && !detectDuplicates;
        var spec = noDad
            ? Command(ns, "addr", "add", address.ToString(), "dev", device, "nodad")
            : Command(ns, "addr", "add", address.ToString(), "dev", device);
        return spec with { Native = s => RtNetlink.Address(s.For(ns), true, address, device, noDad) };
    }

    public static CommandSpec DeleteAddress(string? ns, IpPrefix address, string device) =>
        Command(ns, "addr", "del", address.ToString(), "dev", device) with { Native = s => RtNetlink.Address(s.For(ns), false, address, device) };

    public static CommandSpec AddRoute(string? ns, IpPrefix destination, IPAddress nextHop, string? device)
    {
        var args = RouteArgs("add", destination);
        args.Add("via");
        args.Add(nextHop.ToString());
        if (device is not null)
        {
            args.Add("dev");
            args.Add(device);
        }
        return Command(ns, args.ToArray()) with { Native = s => RtNetlink.Route(s.For(ns), true, destination, nextHop, device) };
    }

    public static CommandSpec DeleteRoute(string? ns, IpPrefix destination, IPAddress? nextHop, string? device)
    {
        var args = RouteArgs("del", destination);
        if (nextHop is not null)
        {
            args.Add("via");
            args.Add(nextHop.ToString());
        }
        if (device is not null)
        {
            args.Add("dev");
            args.Add(device);
        }
        return Command(ns, args.ToArray()) with { Native = s => RtNetlink.Route(s.For(ns), false, destination, nextHop, device) };
    }

    /// <summary>"route VERB DEST", with `-6` first for IPv6: `ip route` takes a bare "default" as IPv4's.</summary>
    private static List<string> RouteArgs(string verb, IpPrefix destination) => destination.IsIpv4
        ? new List<string> { "route", verb, destination.ToRouteDestination() }
        : new List<string> { "-6", "route", verb, destination.ToRouteDestination() };

    public static CommandSpec ShowLinks(string? ns) => Command(ns, "-d", "-j", "addr", "show");
    /// <summary>The main table's routes of one family: `ip route` alone shows only IPv4's.</summary>
    public static CommandSpec ShowRoutes(string? ns, AddressFamily family = AddressFamily.InterNetwork) => family == AddressFamily.InterNetworkV6
        ? Command(ns, "-6", "-j", "route", "show", "table", "main")
        : Command(ns, "-j", "route", "show", "table", "main");
}
