import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { TRPCReactProvider } from "@/components/trpc/client";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Casefile", template: "%s · Casefile" },
  description: "Investigator console with just-in-time action approval",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Rendered per request, every page: its scripts must carry this response's CSP nonce (proxy.ts).
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans text-sm">
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
