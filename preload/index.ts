/**
 * The preload script: runs sandboxed with context isolation, so it may only use the Electron
 * modules the sandbox allows. It exposes the contract-derived bridge and nothing else.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge.ts';

contextBridge.exposeInMainWorld('emulsion', createBridge(ipcRenderer));
