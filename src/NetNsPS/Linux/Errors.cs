using System.Management.Automation;

namespace NetNsPS.Linux;

/// <summary>The errors several cmdlets share, so the same mistake reads the same everywhere.</summary>
public static class Errors
{
    public static NetNsException NamespaceNotFound(string name) => new(
        $"Network namespace '{name}' does not exist. Create it with: New-NetNamespace {name}",
        "NamespaceNotFound", ErrorCategory.ObjectNotFound, name);

    public static NetNsException BridgeNotFound(string name) => new(
        $"Bridge '{name}' does not exist. Create it with: New-NetBridge {name}",
        "BridgeNotFound", ErrorCategory.ObjectNotFound, name);

    public static NetNsException InterfaceNotFound(string? ns, string name) => new(
        $"Interface '{name}' does not exist in {Where(ns)}.",
        "InterfaceNotFound", ErrorCategory.ObjectNotFound, name);

    public static string Where(string? ns) => ns is null ? "the host" : $"namespace '{ns}'";
}
