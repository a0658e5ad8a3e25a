namespace NetNsPS.Linux;

/// <summary>
/// How NetNsPS knows what it made, so Clear-NetNsPS removes only that: an alias on the object itself, set when the
/// object is created (`ip link set bridge0 alias netnsps`; for a namespace, on its lo). The mark lives and dies with
/// the object, so it never goes stale: a namespace or bridge deleted and made again by another tool under the same
/// name is not marked, and one that New-NetNamespace or New-NetBridge merely found existing is never marked.
/// Firewall rules and chains need no mark: they are the module's by their NETNSPS-* chains and netnsps: tags.
/// </summary>
public static class Ownership
{
    public const string Mark = "netnsps";

    public static CommandSpec MarkNamespace(string ns) => Ip.SetAlias(ns, "lo", Mark);

    public static CommandSpec MarkBridge(string bridge) => Ip.SetAlias(null, bridge, Mark);

    public static bool IsMarked(LinkRecord? link) => link?.Alias == Mark;
}
