namespace NetNsPS;

public enum NsProtocol { Tcp, Udp }

/// <summary>A published port: ExternalIPAddress:ExternalPort on the host forwards to InternalIPAddress:InternalPort in Namespace.</summary>
public sealed class NsPortMapping
{
    public NsProtocol Protocol { get; init; }

    /// <summary>The host address it listens on; 0.0.0.0 for every address of the host.</summary>
    public string ExternalIPAddress { get; init; } = "0.0.0.0";
    public ushort ExternalPort { get; init; }
    public string Namespace { get; init; } = "";
    public string InternalIPAddress { get; init; } = "";
    public ushort InternalPort { get; init; }
    public string Bridge { get; init; } = "";

    public override string ToString() =>
        $"{Protocol.ToString().ToLowerInvariant()} {Endpoint(ExternalIPAddress, ExternalPort)} -> {Namespace} {Endpoint(InternalIPAddress, InternalPort)}";

    /// <summary>"address:port", an IPv6 address in brackets ("[::]:8080"), as URLs and DNAT targets write them.</summary>
    public static string Endpoint(string? address, ushort port) =>
        (address is not null && address.Contains(':') ? "[" + address + "]" : address) + ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
