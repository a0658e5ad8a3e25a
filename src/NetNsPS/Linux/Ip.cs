using System.Collections.Generic;
using System.Linq;

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

    public static CommandSpec AddNamespace(string name) => new("ip", "netns", "add", name);
    public static CommandSpec DeleteNamespace(string name) => new("ip", "netns", "delete", name);
    public static CommandSpec AddBridge(string name) => Link(null, "add", "name", name, "type", "bridge");
    public static CommandSpec AddVeth(string name, string peer) => Link(null, "add", "name", name, "type", "veth", "peer", "name", peer);
    public static CommandSpec DeleteLink(string? ns, string name) => Link(ns, "delete", "dev", name);
    public static CommandSpec SetUp(string? ns, string name) => Link(ns, "set", "dev", name, "up");
    public static CommandSpec SetDown(string? ns, string name) => Link(ns, "set", "dev", name, "down");
    public static CommandSpec MoveToNamespace(string? fromNs, string name, string toNs) => Link(fromNs, "set", "dev", name, "netns", toNs);
    public static CommandSpec SetAlias(string? ns, string name, string alias) => Link(ns, "set", "dev", name, "alias", alias);
    public static CommandSpec SetMacAddress(string name, string mac) => Link(null, "set", "dev", name, "address", mac);
    public static CommandSpec SetMaster(string name, string bridge) => Link(null, "set", "dev", name, "master", bridge);
    public static CommandSpec SetNoMaster(string name) => Link(null, "set", "dev", name, "nomaster");
    public static CommandSpec SetHairpin(string port, bool on) => Link(null, "set", "dev", port, "type", "bridge_slave", "hairpin", on ? "on" : "off");
    public static CommandSpec AddAddress(string? ns, Ipv4Cidr address, string device) => Command(ns, "addr", "add", address.ToString(), "dev", device);
    public static CommandSpec DeleteAddress(string? ns, Ipv4Cidr address, string device) => Command(ns, "addr", "del", address.ToString(), "dev", device);

    public static CommandSpec AddRoute(string? ns, Ipv4Cidr destination, string nextHop, string? device) =>
        device is null
            ? Command(ns, "route", "add", destination.ToRouteDestination(), "via", nextHop)
            : Command(ns, "route", "add", destination.ToRouteDestination(), "via", nextHop, "dev", device);

    public static CommandSpec DeleteRoute(string? ns, Ipv4Cidr destination, string? nextHop, string? device)
    {
        var args = new List<string> { "route", "del", destination.ToRouteDestination() };
        if (nextHop is not null)
        {
            args.Add("via");
            args.Add(nextHop);
        }
        if (device is not null)
        {
            args.Add("dev");
            args.Add(device);
        }
        return Command(ns, args.ToArray());
    }

    public static CommandSpec ShowLinks(string? ns) => Command(ns, "-d", "-j", "addr", "show");
    public static CommandSpec ShowRoutes(string? ns) => Command(ns, "-j", "route", "show", "table", "main");
}
