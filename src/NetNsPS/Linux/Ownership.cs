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

    /// <summary>A lab's objects carry its name too ("netnsps:lab=NAME"), and are NetNsPS's all the same.</summary>
    public static string For(string? lab) => lab is null ? Mark : $"{Mark}:lab={lab}";

    public static CommandSpec MarkNamespace(string ns, string? lab = null) => Ip.SetAlias(ns, "lo", For(lab));

    public static CommandSpec MarkBridge(string bridge, string? lab = null) => Ip.SetAlias(null, bridge, For(lab));

    public static bool IsMarked(LinkRecord? link) => link?.Alias is { } alias && (alias == Mark || alias.StartsWith(Mark + ":lab=", System.StringComparison.Ordinal));

    /// <summary>The lab whose mark the object carries, or null.</summary>
    public static string? LabOf(LinkRecord? link) =>
        link?.Alias is { } alias && alias.StartsWith(Mark + ":lab=", System.StringComparison.Ordinal) ? alias[(Mark.Length + 5)..] : null;
}
