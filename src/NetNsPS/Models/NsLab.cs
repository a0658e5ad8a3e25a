using System;

namespace NetNsPS;

/// <summary>A deployed lab: what it owns, and how the system compares with its file (Deployed, Drifted or Missing).</summary>
public sealed class NsLab
{
    public string Name { get; init; } = "";

    /// <summary>The lab file it was deployed from.</summary>
    public string Path { get; init; } = "";

    /// <summary>Deployed: everything as the file says; Drifted: some of it differs (see Drift); Missing: none of it is there.</summary>
    public string State { get; init; } = "";

    public string[] Namespaces { get; init; } = Array.Empty<string>();
    public string[] Bridges { get; init; } = Array.Empty<string>();

    /// <summary>Point-to-point links, "r1:eth-r2-r2:eth-r1".</summary>
    public string[] Links { get; init; } = Array.Empty<string>();

    /// <summary>Published ports, "tcp/8080->red:80".</summary>
    public string[] Ports { get; init; } = Array.Empty<string>();

    /// <summary>What a deploy would change (the objects it would touch), empty when Deployed.</summary>
    public string[] Drift { get; init; } = Array.Empty<string>();

    public override string ToString() => Name;
}
