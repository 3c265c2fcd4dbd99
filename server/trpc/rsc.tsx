import "server-only";
import { dehydrate, type FetchQueryOptions, HydrationBoundary, type QueryKey } from "@tanstack/react-query";
import { createTRPCOptionsProxy, type TRPCQueryOptions } from "@trpc/tanstack-react-query";
import { TRPCError } from "@trpc/server";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { cache, type ReactNode } from "react";
import { makeQueryClient } from "@/components/trpc/query-client";
import { createRequestContext } from "./context";
import { appRouter } from "./routers/_app";

export const getQueryClient = cache(makeQueryClient);

/** tRPC for server components: prefetch here, read on the client after hydration. */
export const trpc = createTRPCOptionsProxy({
  ctx: cache(async () => createRequestContext(await headers())),
  router: appRouter,
  queryClient: getQueryClient,
});

export function HydrateClient({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- accepts any procedure's options
export function prefetch<T extends ReturnType<TRPCQueryOptions<any>>>(queryOptions: T) {
  void getQueryClient().prefetchQuery(queryOptions);
}

/**
 * Fetches on the server and seeds the client cache; a NOT_FOUND from the procedure becomes the 404
 * page. The fetch runs on a client of its own so that a layout dehydrating the request's shared
 * client meanwhile never streams a query that is about to fail.
 */
export async function fetchOrNotFound<TData, TError, TKey extends QueryKey>(
  queryOptions: FetchQueryOptions<TData, TError, TData, TKey>,
): Promise<TData> {
  let data: TData;
  try {
    data = await makeQueryClient().fetchQuery(queryOptions);
  } catch (error) {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
  getQueryClient().setQueryData<TData>(queryOptions.queryKey, data);
  return data;
}
