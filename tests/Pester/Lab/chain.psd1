# Two bridges and three routers in a chain: h1 - br1 - r1 - r2 - r3 - br2 - h2; web on br1 publishes port 80 as 8080.
@{
    Name       = 'chain'
    Bridges    = @(
        @{ Name = 'br1'; IPAddress = '10.0.1.254/24' }
        @{ Name = 'br2'; IPAddress = '10.0.2.254/24' }
    )
    Namespaces = @(
        @{ Name = 'h1'; Bridge = 'br1'; IPAddress = '10.0.1.2/24'; DefaultRoute = '10.0.1.1' }
        @{ Name = 'web'; Bridge = 'br1'; IPAddress = '10.0.1.3/24'; DefaultRoute = '10.0.1.254' }
        @{ Name = 'r1'; Bridge = 'br1'; IPAddress = '10.0.1.1/24'; Forwarding = $true }
        @{ Name = 'r2'; Forwarding = $true }
        @{ Name = 'r3'; Bridge = 'br2'; IPAddress = '10.0.2.1/24'; Forwarding = $true }
        @{ Name = 'h2'; Bridge = 'br2'; IPAddress = '10.0.2.2/24'; DefaultRoute = '10.0.2.1' }
    )
    Links      = @(
        @{ Endpoints = 'r1:eth-r2', 'r2:eth-r1'; IPAddress = '10.0.12.1/30', '10.0.12.2/30' }
        @{ Endpoints = 'r2:eth-r3', 'r3:eth-r2'; IPAddress = '10.0.23.1/30', '10.0.23.2/30' }
    )
    Routes     = @(
        @{ Namespace = 'r1'; DestinationPrefix = '10.0.2.0/24'; NextHop = '10.0.12.2' }
        @{ Namespace = 'r2'; DestinationPrefix = '10.0.1.0/24'; NextHop = '10.0.12.1' }
        @{ Namespace = 'r2'; DestinationPrefix = '10.0.2.0/24'; NextHop = '10.0.23.2' }
        @{ Namespace = 'r3'; DestinationPrefix = '10.0.1.0/24'; NextHop = '10.0.23.1' }
    )
    Ports      = @( @{ Namespace = 'web'; InternalPort = 80; ExternalPort = 8080 } )
}
