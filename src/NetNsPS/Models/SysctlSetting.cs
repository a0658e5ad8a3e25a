namespace NetNsPS;

/// <summary>A kernel parameter (sysctl) of the host or of a namespace and, when NetNsPS persisted it, the file under /etc/sysctl.d.</summary>
public sealed class SysctlSetting
{
    /// <summary>The namespace whose parameter this is; null: the host's.</summary>
    public string? Namespace { get; init; }

    public string Name { get; init; } = "";

    /// <summary>The current value; null when the parameter does not exist (for example br_netfilter not loaded).</summary>
    public string? Value { get; init; }
    public string? PersistentPath { get; init; }

    public override string ToString() => Namespace is null ? $"{Name}={Value}" : $"{Namespace}: {Name}={Value}";
}
