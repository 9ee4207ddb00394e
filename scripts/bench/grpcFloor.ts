/**
 * `npm run bench:start`'s floor: a plugin of grpc-js and Pulumi's generated stubs alone, bundled and started as the
 * tarball's is, that answers Check by echoing its inputs. What the real plugin takes beyond it is our share of the
 * start; the rest is Node, the modules a gRPC server needs, grpc-js and the stubs.
 */
import type { UntypedServiceImplementation } from "@grpc/grpc-js";
import type * as ProviderPb from "@pulumi/pulumi/proto/provider_pb";
import { grpc, pb, providerGrpc } from "../../provider/doors/native/rpc";

type Answer = (error: null, response: ProviderPb.CheckResponse) => void;

export function run(): void {
  const server = new grpc.Server();
  server.addService(providerGrpc.ResourceProviderService, {
    check: (call: { request: ProviderPb.CheckRequest }, answer: Answer) =>
      answer(null, new pb.CheckResponse().setInputs(call.request.getNews())),
  } as unknown as UntypedServiceImplementation);
  server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
    if (error) throw error;
    process.stdout.write(`${port}\n`);
  });
}
